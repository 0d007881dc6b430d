using System.IO;

namespace ConstantContactExport.Engine.Import;

/// <summary>Where finished import bodies go: files in a run folder, or memory in tests.</summary>
public interface IImportBatchSink
{
    /// <summary>
    /// A stream for a body not numbered yet (bodies are numbered as they are finished); <paramref name="slot"/>
    /// tells it from the other bodies of the writer (1, 2... in the order they were opened).
    /// </summary>
    Stream Open(int slot);

    /// <summary>The body is complete, numbered <c>batch.Number</c>: the stream may be closed and the batch made durable.</summary>
    void Complete(ImportBatch batch, Stream stream);
}
