using System;

namespace ConstantContactExport.Engine.Sending;

/// <summary>
/// An import POST whose outcome is unknown: the connection dropped, the request timed out, or the server
/// answered 5xx. Constant Contact may or may not have queued it; GET /activities decides before any resend.
/// </summary>
public sealed class ImportInDoubtException : Exception
{
    public ImportInDoubtException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}

/// <summary>The API key's daily request quota is spent (429 quota_exceeded): nothing more until 00:00 UTC.</summary>
public sealed class QuotaExceededException : Exception
{
    public QuotaExceededException()
        : base("Constant Contact's daily request quota for this API key is spent (429 quota_exceeded). It resets at 00:00 UTC.")
    {
    }
}

/// <summary>1,000 activities are already queued for the account (429): this one was not accepted; wait and send again.</summary>
public sealed class ActivityQueueFullException : Exception
{
    public ActivityQueueFullException(string message)
        : base(message)
    {
    }
}

/// <summary>A request Constant Contact refused for a reason that trying again will not change (400, 403, 404...).</summary>
public sealed class ImportRefusedException : Exception
{
    public ImportRefusedException(int statusCode, string? errorKey, string message)
        : base(message)
    {
        StatusCode = statusCode;
        ErrorKey = errorKey;
    }

    public int StatusCode { get; }

    public string? ErrorKey { get; }
}

/// <summary>
/// Constant Contact could not be reached, or refused the connection's credentials, after the retries. The message
/// says what happened; a run adds that -Resume continues it (only runs can be resumed).
/// </summary>
public sealed class ApiUnavailableException : Exception
{
    public ApiUnavailableException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
