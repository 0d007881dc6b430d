using System.IO;

namespace ConstantContactExport.Engine.Import;

/// <summary>Where finished import bodies go: files in a run folder, or memory in tests.</summary>
public interface IImportBatchSink
{
    /// <summary>A stream for the body of batch <paramref name="number"/>.</summary>
    Stream Open(int number);

    /// <summary>The body is complete: the stream may be closed and the batch made durable.</summary>
    void Complete(ImportBatch batch, Stream stream);
}
