using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace ConstantContactExport.Engine.Http;

/// <summary>
/// The outermost handler of one connection's HttpClient: it stamps the connection's
/// <see cref="ApiRequestContext"/> on each request, then hands it to the pooled pipeline from
/// <see cref="HttpPipeline"/>. Disposing it leaves the pooled handlers alone (the factory owns them).
/// </summary>
internal sealed class ConnectionContextHandler : DelegatingHandler
{
    private readonly ApiRequestContext context;

    public ConnectionContextHandler(ApiRequestContext context, HttpMessageHandler pooled)
        : base(pooled)
    {
        this.context = context;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        context.AttachTo(request);
        return base.SendAsync(request, cancellationToken);
    }
}
