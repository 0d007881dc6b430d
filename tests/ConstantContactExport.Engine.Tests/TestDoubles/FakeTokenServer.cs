using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace ConstantContactExport.Engine.Tests.TestDoubles;

/// <summary>
/// The refresh grant of an authorization server with rotating (or long-lived) refresh tokens, as Constant
/// Contact's: spending a rotated-away refresh token is invalid_grant. Counts what it saw.
/// </summary>
internal sealed class FakeTokenServer
{
    private readonly object gate = new();
    private readonly HashSet<string> liveRefreshTokens = new(StringComparer.Ordinal);
    private int serial;

    public FakeTokenServer(bool rotating = true, int lifetimeSeconds = 3600)
    {
        Rotating = rotating;
        LifetimeSeconds = lifetimeSeconds;
    }

    public bool Rotating { get; }

    public int LifetimeSeconds { get; set; }

    public int RefreshRequests { get; private set; }

    public int InvalidGrants { get; private set; }

    /// <summary>Holds each refresh answer until released: lets a test line two refreshers up.</summary>
    public TaskCompletionSource? Hold { get; set; }

    /// <summary>Set when the first refresh request arrives (before any <see cref="Hold"/>).</summary>
    public TaskCompletionSource RefreshArrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public List<string> Issued { get; } = new();

    public string IssueRefreshToken()
    {
        lock (gate)
        {
            string token = $"refresh-{++serial}-{Guid.NewGuid():N}{Guid.NewGuid():N}";
            liveRefreshTokens.Add(token);
            Issued.Add(token);
            return token;
        }
    }

    public string IssueAccessToken()
    {
        lock (gate)
        {
            string token = $"access-{++serial}-{Guid.NewGuid():N}{Guid.NewGuid():N}";
            Issued.Add(token);
            return token;
        }
    }

    public FakeHttpHandler Handler() => new(async request =>
    {
        Dictionary<string, string> form = request.Form();
        if (!request.Uri.AbsolutePath.EndsWith("/token", StringComparison.Ordinal) || form.GetValueOrDefault("grant_type") != "refresh_token")
        {
            return FakeHttpHandler.Json(HttpStatusCode.BadRequest, """{"error":"unsupported_grant_type","error_description":"Only refresh here."}""");
        }

        RefreshArrived.TrySetResult();
        if (Hold is { } hold)
        {
            await hold.Task;
        }

        lock (gate)
        {
            RefreshRequests++;
            string presented = form.GetValueOrDefault("refresh_token") ?? string.Empty;
            if (!liveRefreshTokens.Contains(presented))
            {
                InvalidGrants++;
                return FakeHttpHandler.Json(HttpStatusCode.BadRequest, $$"""{"error":"invalid_grant","error_description":"The refresh token {{presented}} is invalid or expired."}""");
            }

            string refresh = presented;
            if (Rotating)
            {
                liveRefreshTokens.Remove(presented);
                refresh = $"refresh-{++serial}-{Guid.NewGuid():N}{Guid.NewGuid():N}";
                liveRefreshTokens.Add(refresh);
                Issued.Add(refresh);
            }

            string access = $"access-{++serial}-{Guid.NewGuid():N}{Guid.NewGuid():N}";
            Issued.Add(access);
            string refreshMember = Rotating ? $",\"refresh_token\":\"{refresh}\"" : string.Empty;
            return FakeHttpHandler.Json(HttpStatusCode.OK,
                $"{{\"access_token\":\"{access}\",\"token_type\":\"Bearer\",\"expires_in\":{LifetimeSeconds},\"scope\":\"contact_data offline_access\"{refreshMember}}}");
        }
    });
}
