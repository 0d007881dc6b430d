using Microsoft.AspNetCore.Http;

namespace ConstantContact.Sandbox.Imports;

/// <summary>Reads a whole request body into one array, sized from Content-Length when the client sent it.</summary>
public static class RequestBodyReader
{
    public static async Task<byte[]> ReadAllAsync(HttpRequest request)
    {
        if (request.ContentLength is { } length and <= ImportLimits.MaxRequestBytes)
        {
            var buffer = new byte[length];
            await request.Body.ReadExactlyAsync(buffer, request.HttpContext.RequestAborted);
            return buffer;
        }

        using var copy = new MemoryStream();
        await request.Body.CopyToAsync(copy, request.HttpContext.RequestAborted);
        return copy.ToArray();
    }
}
