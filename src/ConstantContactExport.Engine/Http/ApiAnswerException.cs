using System;
using System.Globalization;

namespace ConstantContactExport.Engine.Http;

/// <summary>
/// An answer that cannot be used: larger than the module reads, or not the JSON the endpoint promises (an HTML
/// page from a proxy, a cut-off body). The message names the request, the status and what was wrong, never the
/// body (it may hold personal data). Trying again at once would get the same answer, so a run stops, resumable.
/// </summary>
public sealed class ApiAnswerException : Exception
{
    public const string TooLargeErrorId = "ApiAnswerTooLarge";
    public const string UnreadableErrorId = "ApiAnswerUnreadable";

    private ApiAnswerException(string errorId, string message, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
    }

    /// <summary>A stable id for the error record: <see cref="TooLargeErrorId"/> or <see cref="UnreadableErrorId"/>.</summary>
    public string ErrorId { get; }

    internal static ApiAnswerException TooLarge(string route, int status, long? contentLength, long max) => new(
        TooLargeErrorId,
        string.Format(
            CultureInfo.InvariantCulture,
            "The answer to {0} (HTTP {1}) is larger than the {2} MiB the module reads{3}; it was not read. A proxy or server between here and Constant Contact is misbehaving.",
            route, status, max / (1024 * 1024), contentLength is long length ? $" (Content-Length {length})" : string.Empty));

    internal static ApiAnswerException PagingLoop(string route, int pages) => new(
        UnreadableErrorId,
        string.Format(
            CultureInfo.InvariantCulture,
            "The answers to {0} point back at a page already read (after {1} pages, the next link repeats): read on, they would never end. A proxy or server between here and Constant Contact is misbehaving.",
            route, pages + 1));

    internal static ApiAnswerException Unreadable(string route, int status, string? mediaType, int length, Exception? inner) => new(
        UnreadableErrorId,
        string.Format(
            CultureInfo.InvariantCulture,
            "The answer to {0} (HTTP {1}, {2}, {3} bytes) is not the JSON Constant Contact sends. A proxy, captive portal or server between here and Constant Contact answered instead.",
            route, status, string.IsNullOrEmpty(mediaType) ? "no content type" : mediaType, length),
        inner);
}
