using System.Text.Json.Serialization;
using ConstantContactExport.Engine.Runs;

namespace ConstantContactExport.Engine.Exports;

/// <summary>Source-generated JSON for the files the module writes: no reflection, no surprises across runtimes.</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(ExportDefinition))]
[JsonSerializable(typeof(RunManifest))]
[JsonSerializable(typeof(JournalEntry))]
internal sealed partial class ExportJsonContext : JsonSerializerContext
{
}
