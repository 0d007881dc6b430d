using System;
using ConstantContactExport.Engine.Profiles;

namespace ConstantContactExport.Exports;

/// <summary>The exception behind an Invalid profile's error record: its message is the reason, for people.</summary>
public sealed class ProfileRejectedException : Exception
{
    public ProfileRejectedException(ProfileIssue issue)
        : base(issue.Message)
    {
        Reason = issue.Reason.ToString();
        Field = issue.Field;
    }

    /// <summary>The stable reason (the error record's ErrorId).</summary>
    public string Reason { get; }

    /// <summary>The field concerned, if one.</summary>
    public string? Field { get; }
}
