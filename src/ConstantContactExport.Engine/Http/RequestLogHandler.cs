using System;
using System.Globalization;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace ConstantContactExport.Engine.Http;

/// <summary>
/// One line per request attempt to the context's log: method, route (query values left out), status and
/// duration. Never headers (the bearer token is one) and never bodies (profiles are personal data).
/// </summary>
internal sealed class RequestLogHandler : DelegatingHandler
{
    private readonly TimeProvider time;

    public RequestLogHandler(TimeProvider time)
    {
        this.time = time;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ApiRequestContext? context = ApiRequestContext.Of(request);
        if (context?.Log is null)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        long started = time.GetTimestamp();
        string what = $"{request.Method} {RequestRoute.Of(request)}";
        try
        {
            HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            context.Write(string.Format(
                CultureInfo.InvariantCulture, "{0} -> {1} {2} ({3:0} ms)", what, (int)response.StatusCode, response.ReasonPhrase, Elapsed(started)));
            return response;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            context.Write(string.Format(CultureInfo.InvariantCulture, "{0} -> cancelled ({1:0} ms)", what, Elapsed(started)));
            throw;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            string reason = ex is OperationCanceledException ? "timed out" : "failed: " + (ex.InnerException?.Message ?? ex.Message);
            context.Write(string.Format(CultureInfo.InvariantCulture, "{0} -> {1} ({2:0} ms)", what, reason, Elapsed(started)));
            throw;
        }
    }

    private double Elapsed(long started) => time.GetElapsedTime(started).TotalMilliseconds;
}
