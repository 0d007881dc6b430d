using System.IO;
using System.Text.Json;
using ConstantContactExport.Engine.Staging;

namespace ConstantContactExport.Benchmarks.Pipeline;

/// <summary>The five counts of a ledger, named as New-SampleProfileCsv.ps1 returns them.</summary>
internal sealed record LedgerCounts(long InputCount, long OutOfSegmentCount, long InvalidCount, long DuplicateCount, long SubmittedCount)
{
    public static LedgerCounts Of(ExportLedger ledger) =>
        new(ledger.InputCount, ledger.OutOfSegmentCount, ledger.InvalidCount, ledger.DuplicateCount, ledger.SubmittedCount);

    /// <summary>From the generator's output: JSON text, or the path of a file that holds it.</summary>
    public static LedgerCounts Parse(string jsonOrPath)
    {
        string json = jsonOrPath.TrimStart().StartsWith('{') ? jsonOrPath : File.ReadAllText(jsonOrPath);
        return JsonSerializer.Deserialize<LedgerCounts>(json, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })
            ?? throw new JsonException("The expected counts are null.");
    }
}
