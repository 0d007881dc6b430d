namespace ConstantContactExport.Engine.Profiles;

/// <summary>Why one profile is Invalid: the reason, the field it concerns, and a message for people.</summary>
/// <param name="Reason">The stable reason.</param>
/// <param name="Field">The Constant Contact field or profile property concerned, or null for the whole record.</param>
/// <param name="Message">A sentence for the error record and the reject report. Never holds a token; holds the email only where the email is the problem.</param>
public sealed record ProfileIssue(RejectReason Reason, string? Field, string Message);
