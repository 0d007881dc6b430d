using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ConstantContactExport.Engine.Tests.TestDoubles;

/// <summary>An HTTP server in a delegate: records every request (with its body read) and answers with the responder.</summary>
internal sealed class FakeHttpHandler : HttpMessageHandler
{
    private readonly Func<RecordedRequest, Task<HttpResponseMessage>> responder;

    public FakeHttpHandler(Func<RecordedRequest, HttpResponseMessage> responder)
        : this(request => Task.FromResult(responder(request)))
    {
    }

    public FakeHttpHandler(Func<RecordedRequest, Task<HttpResponseMessage>> responder)
    {
        this.responder = responder;
    }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string? body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var recorded = new RecordedRequest(request.Method, request.RequestUri!, request.Headers.Authorization?.ToString(), body);
        Requests.Enqueue(recorded);
        HttpResponseMessage response = await responder(recorded);
        response.RequestMessage ??= request;
        return response;
    }
}

internal sealed record RecordedRequest(HttpMethod Method, Uri Uri, string? Authorization, string? Body)
{
    public Dictionary<string, string> Form()
    {
        var form = new Dictionary<string, string>();
        foreach (string pair in (Body ?? string.Empty).Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = pair.IndexOf('=');
            form[Uri.UnescapeDataString(pair[..equals].Replace('+', ' '))] = Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
        }

        return form;
    }
}
