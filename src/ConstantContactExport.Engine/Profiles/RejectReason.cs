namespace ConstantContactExport.Engine.Profiles;

/// <summary>
/// Why a profile is Invalid. The names are stable: they are the ErrorIds of the non-terminating errors and
/// the Reason column of the reject report, so scripts may match on them.
/// </summary>
public enum RejectReason
{
    /// <summary>The email property is missing, null or blank.</summary>
    EmailMissing,

    /// <summary>The email is not an address Constant Contact would accept; the detail names the rule (MissingAt, InvalidDomain...).</summary>
    EmailInvalid,

    /// <summary>A value is longer than Constant Contact keeps for that field (it would refuse or silently cut it).</summary>
    FieldTooLong,

    /// <summary>A value is an array, a hashtable or another object where text is wanted.</summary>
    FieldNotText,

    /// <summary>A value has a form Constant Contact refuses (a phone number, a birthday).</summary>
    FieldInvalid,

    /// <summary>A value holds control characters (other than tab) that no contact field can hold.</summary>
    InvalidCharacters,

    /// <summary>More custom fields than Constant Contact takes for one contact (25).</summary>
    TooManyCustomFields,

    /// <summary>The source bytes were not valid in the file's encoding (broken UTF-8 or UTF-16).</summary>
    InvalidEncoding,

    /// <summary>A CSV row that could not be read as a record (ragged, unbalanced quotes).</summary>
    MalformedRow,

    /// <summary>The profile is not an object with properties at all (null, a number, a bare string).</summary>
    NotAProfile,

    /// <summary>
    /// A valid address of 51 to 80 characters: Constant Contact keeps addresses up to 80, but the JSON import's
    /// schema allows 50, so the import may refuse or cut it (docs/constant-contact-v3.md, Decisions).
    /// </summary>
    EmailTooLongForImport,
}
