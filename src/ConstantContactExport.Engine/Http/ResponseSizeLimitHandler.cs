using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace ConstantContactExport.Engine.Http;

/// <summary>
/// Caps what is read from any answer at <see cref="MaxBytes"/>: an answer whose Content-Length says more is
/// refused before its body is read, and one that sends more than it said (or says nothing) fails at the first
/// byte past the cap. Either way an <see cref="ApiAnswerException"/>, not a dropped connection: sending the
/// request again would get the same answer.
/// </summary>
internal sealed class ResponseSizeLimitHandler : DelegatingHandler
{
    /// <summary>16 MiB: a page of 500 activities or 100 custom fields is well under 1 MiB.</summary>
    public const long MaxBytes = 16L * 1024 * 1024;

    private readonly long maxBytes;

    public ResponseSizeLimitHandler(long maxBytes = MaxBytes)
    {
        this.maxBytes = maxBytes;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.Content is not { } content)
        {
            return response;
        }

        string route = $"{request.Method} {RequestRoute.Of(request)}";
        if (content.Headers.ContentLength is long length && length > maxBytes)
        {
            HttpStatusCode status = response.StatusCode;
            response.Dispose();
            throw ApiAnswerException.TooLarge(route, (int)status, length, maxBytes);
        }

        var capped = new StreamContent(new CappedStream(await content.ReadAsStreamAsync().ConfigureAwait(false), maxBytes, route, (int)response.StatusCode));
        foreach (var header in content.Headers)
        {
            capped.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        response.Content = capped;
        return response;
    }

    private sealed class CappedStream : CountingReadStream
    {
        private readonly long max;
        private readonly string route;
        private readonly int status;

        public CappedStream(Stream inner, long max, string route, int status)
            : base(inner)
        {
            this.max = max;
            this.route = route;
            this.status = status;
        }

        protected override void Counted(long total)
        {
            if (total > max)
            {
                throw ApiAnswerException.TooLarge(route, status, null, max);
            }
        }
    }
}
