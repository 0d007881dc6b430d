using System.IO;
using ConstantContactExport.Engine.Import;

namespace ConstantContactExport.Benchmarks;

/// <summary>Bodies written to nowhere: what batching costs without the disk.</summary>
internal sealed class NullBatchSink : IImportBatchSink
{
    public Stream Open(int number) => Stream.Null;

    public void Complete(ImportBatch batch, Stream stream)
    {
    }
}
