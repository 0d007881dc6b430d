namespace ConstantContactExport.Engine.Profiles;

/// <summary>
/// Why <see cref="EmailAddressValidator"/> refused an address. The names are stable: reject reports and
/// scripts match on them. The numbers are fixed as well, so a stored value keeps its meaning.
/// docs/email-validation.md gives the rules behind each one.
/// </summary>
public enum EmailRejectReason
{
    /// <summary>The address is valid.</summary>
    None = 0,

    /// <summary>Null, empty, or nothing but white space.</summary>
    Empty = 1,

    /// <summary>There is no '@' at all: a name, a phone number, or a look-alike such as the full-width '＠'.</summary>
    MissingAt = 2,

    /// <summary>More than one '@': two addresses in one field, or a quoted local part that holds an '@'.</summary>
    MultipleAt = 3,

    /// <summary>
    /// A character that no address may hold: a control character anywhere (TAB, CR and LF around the address
    /// included), white space inside the address, or an invisible formatting, private-use, unpaired surrogate or
    /// replacement character.
    /// </summary>
    InvalidCharacters = 4,

    /// <summary>
    /// The part before '@' is empty or not a dot-atom: a character outside RFC 5322 atext, a leading, trailing or
    /// doubled dot, quotes, comments, angle brackets.
    /// </summary>
    InvalidLocalPart = 5,

    /// <summary>
    /// The part before '@' is a dot-atom only under SMTPUTF8 (RFC 6531): it holds non-ASCII characters, which
    /// Constant Contact does not take.
    /// </summary>
    NonAsciiLocalPart = 6,

    /// <summary>The part before '@' is longer than 64 characters.</summary>
    LocalPartTooLong = 7,

    /// <summary>
    /// The part after '@' is not a public host name: empty or dotless, a bad label (empty, over 63 characters,
    /// a hyphen at either end, '--' in third and fourth place outside an xn-- label), a top-level domain that is
    /// not letters, an IP address or literal, a broken xn-- label, or an IDN that does not convert.
    /// </summary>
    InvalidDomain = 8,

    /// <summary>
    /// The domain is under a special-use or reserved top-level domain that never receives mail from the
    /// internet: .alt, .arpa, .internal, .invalid, .local, .localhost, .onion, .test.
    /// </summary>
    SpecialUseDomain = 9,

    /// <summary>
    /// Longer than <see cref="EmailAddressValidator.MaxLength"/> (80) characters in its normalized form, or longer
    /// than 254 characters as given (after trimming).
    /// </summary>
    TooLong = 10,
}
