using System.Net.Http.Headers;

namespace ConstantContact.Sandbox.Tests.Support;

/// <summary>A response read in full: status, body text, body as JSON when it is JSON.</summary>
public sealed class Reply
{
    public Reply(HttpStatusCode status, string text, HttpResponseHeaders headers, Uri? location)
    {
        Status = status;
        Text = text;
        Headers = headers;
        Location = location;
        if (text.Length > 0 && (text[0] == '{' || text[0] == '['))
        {
            Json = JsonNode.Parse(text);
        }
    }

    public HttpStatusCode Status { get; }

    public string Text { get; }

    public HttpResponseHeaders Headers { get; }

    public Uri? Location { get; }

    public JsonNode? Json { get; }

    public override string ToString() => $"{(int)Status} {Text}";
}
