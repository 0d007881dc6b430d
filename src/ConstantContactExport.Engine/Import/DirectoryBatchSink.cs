using System;
using System.Globalization;
using System.IO;
using ConstantContactExport.Engine.Storage;

namespace ConstantContactExport.Engine.Import;

/// <summary>
/// Writes each body to <c>batch-00001.json</c> in a folder: first to a temporary name (<c>open-00001.json.tmp</c>, by
/// the order it was opened: several may be open at once), flushed to disk and renamed to its number when complete,
/// so a body file that exists is always whole.
/// </summary>
public sealed class DirectoryBatchSink : IImportBatchSink
{
    private const int BufferSize = 1 << 16;

    public DirectoryBatchSink(string folder)
    {
        Folder = folder;
        PrivateFiles.CreateFolder(folder);
    }

    public string Folder { get; }

    /// <summary>Called with each body once its file is whole (on the thread that wrote it).</summary>
    public Action<ImportBatch>? Completed { get; set; }

    public static string FileName(int number) => "batch-" + number.ToString("D5", CultureInfo.InvariantCulture) + ".json";

    public string PathOf(int number) => Path.Combine(Folder, FileName(number));

    public Stream Open(int slot) =>
        PrivateFiles.Create(Path.Combine(Folder, "open-" + slot.ToString("D5", CultureInfo.InvariantCulture) + ".json.tmp"), FileShare.None, BufferSize);

    public void Complete(ImportBatch batch, Stream stream)
    {
        var file = (FileStream)stream;
        string temporary = file.Name;
        file.Flush(flushToDisk: true);
        file.Dispose();
        string final = PathOf(batch.Number);
        if (File.Exists(final))
        {
            File.Delete(final);
        }

        File.Move(temporary, final);
        Completed?.Invoke(batch);
    }
}
