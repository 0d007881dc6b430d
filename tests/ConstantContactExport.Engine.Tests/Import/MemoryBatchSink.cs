using System.Collections.Generic;
using System.IO;
using ConstantContactExport.Engine.Import;

namespace ConstantContactExport.Engine.Tests.Import;

/// <summary>Keeps every body in memory, for tests.</summary>
internal sealed class MemoryBatchSink : IImportBatchSink
{
    public List<byte[]> Bodies { get; } = new();

    public Stream Open(int number) => new MemoryStream();

    public void Complete(ImportBatch batch, Stream stream) => Bodies.Add(((MemoryStream)stream).ToArray());
}
