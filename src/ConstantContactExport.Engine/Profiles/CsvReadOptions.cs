using System.Text;

namespace ConstantContactExport.Engine.Profiles;

/// <summary>Overrides for what <see cref="CsvProfileReader"/> would otherwise detect.</summary>
public sealed class CsvReadOptions
{
    /// <summary>
    /// The file's encoding, like <c>Import-Csv -Encoding</c>: used for files without a byte order mark.
    /// A byte order mark still wins (as it does for Import-Csv), because it cannot be wrong about itself.
    /// </summary>
    public Encoding? Encoding { get; init; }

    /// <summary>The field delimiter (one or more characters), instead of sniffing it from the first lines.</summary>
    public string? Delimiter { get; init; }
}
