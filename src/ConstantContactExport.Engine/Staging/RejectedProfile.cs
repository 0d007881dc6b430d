using ConstantContactExport.Engine.Profiles;

namespace ConstantContactExport.Engine.Staging;

/// <summary>One row of the reject report.</summary>
/// <param name="RecordNumber">Position of the profile in its input.</param>
/// <param name="LineNumber">CSV: the line on which the record starts.</param>
/// <param name="Source">CSV: the file; else "pipeline".</param>
/// <param name="Email">The email text as given (so the admin can find the profile), or empty.</param>
/// <param name="Issue">Why it was rejected.</param>
public sealed record RejectedProfile(long RecordNumber, long? LineNumber, string Source, string Email, ProfileIssue Issue);
