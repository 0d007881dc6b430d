using System;
using System.Net.Http;
using System.Text;

namespace ConstantContactExport.Engine.Http;

/// <summary>
/// How a request is named in logs and errors: the path and the names of its query parameters, never their
/// values (<c>?email=</c> would be personal data).
/// </summary>
public static class RequestRoute
{
    public static string Of(HttpRequestMessage request) => Of(request.RequestUri);

    public static string Of(Uri? uri)
    {
        if (uri is null)
        {
            return "(no URI)";
        }

        if (!uri.IsAbsoluteUri)
        {
            return Of(new Uri(new Uri("http://relative/"), uri)).Trim();
        }

        var text = new StringBuilder(uri.AbsolutePath);
        string query = uri.Query.TrimStart('?');
        if (query.Length > 0)
        {
            char separator = '?';
            foreach (string pair in query.Split('&'))
            {
                if (pair.Length == 0)
                {
                    continue;
                }

                int equals = pair.IndexOf('=');
                text.Append(separator).Append(equals < 0 ? pair : pair.Substring(0, equals)).Append("=...");
                separator = '&';
            }
        }

        return text.ToString();
    }
}
