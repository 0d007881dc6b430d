using System;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;

namespace ConstantContactExport.Engine.Http;

/// <summary>
/// Puts the connection's access token on each request. A 401 means the token died early (revoked, or a clock
/// that disagrees): the handler gets a new one once and sends the request again; a second 401 goes back to the
/// caller. The request content must be buffered (ByteArrayContent, StringContent) to be sent twice.
/// </summary>
internal sealed class BearerTokenHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ApiRequestContext context = ApiRequestContext.Of(request)?.Tokens is not null
            ? ApiRequestContext.Of(request)!
            : throw new InvalidOperationException("A Constant Contact API request was sent without a connection. Use a connection's HttpClient (ConnectionSession.CreateHttpClient).");

        string token = await context.Tokens!.GetAccessTokenAsync(context.Log, cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        response.Dispose();
        context.Write($"{request.Method} {RequestRoute.Of(request)}: the access token was refused (401); getting a new one and trying once more.");
        token = await context.Tokens.RefreshAfterRejectionAsync(token, context.Log, cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
