namespace ConstantContactExport.Engine.Profiles;

/// <summary>Why a whole CSV file cannot be read. Stable: the cmdlets turn these into ErrorIds.</summary>
public enum CsvSourceProblem
{
    /// <summary>There is no file at the path.</summary>
    NotFound,

    /// <summary>The file is not text (an archive, an image, a workbook...).</summary>
    NotText,

    /// <summary>The file holds no bytes (or only a byte order mark).</summary>
    Empty,

    /// <summary>The file holds only blank lines: there is no header row.</summary>
    NoHeader,

    /// <summary>A required column (the email field) is not in the header.</summary>
    MissingColumns,

    /// <summary>A column the export reads appears more than once in the header, so it is unclear which to read.</summary>
    DuplicateColumn,

    /// <summary>One value runs on past the size limit, almost always because an opening quote is never closed.</summary>
    FieldTooLarge,

    /// <summary>A quoted value runs over many lines or to the end of the file: an opening quote is never closed.</summary>
    UnclosedQuote,

    /// <summary>The file could not be opened or read (permissions, a folder, an I/O error).</summary>
    Unreadable,
}
