using System;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Auth;
using ConstantContactExport.Engine.Connections;
using ConstantContactExport.Engine.Storage;
using ConstantContactExport.Engine.Tests.TestDoubles;
using Microsoft.Extensions.Time.Testing;

namespace ConstantContactExport.Engine.Tests.Auth;

public sealed class TokenManagerTests
{
    private static readonly Uri AuthBase = new("https://authz.example.test/oauth2/default/v1");

    private static readonly ConnectionInfo Prod = new("Prod", null, new Uri("https://api.example.test/v3"), AuthBase, "client-1", "ada", DateTimeOffset.UnixEpoch, Array.Empty<string>());

    private static TokenManager Manager(TempHome home, FakeTokenServer server, TimeProvider time, FakeHttpHandler? handler = null)
    {
        handler ??= server.Handler();
        var http = new HttpClient(handler);
        var gate = new TokenRequestGate(time, TimeSpan.Zero);
        return new TokenManager(
            Prod,
            new TokenStore(home.Paths),
            secret => new OAuthClient(http, new OAuthEndpoints(AuthBase), "client-1", secret, gate, time),
            ConnectionSession.LockPathFor(home.Paths, "Prod"),
            time);
    }

    private static TokenSet Seed(TempHome home, FakeTokenServer server, DateTimeOffset issuedOn, TimeSpan lifetime)
    {
        var tokens = new TokenSet(server.IssueAccessToken(), server.IssueRefreshToken(), issuedOn, issuedOn + lifetime, "contact_data offline_access", null);
        new TokenStore(home.Paths).Write("Prod", tokens.BoundTo(TokenBinding.For(Prod)));
        return tokens;
    }

    [Fact]
    public async Task Uses_the_stored_token_while_it_is_fresh()
    {
        using var home = new TempHome();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var server = new FakeTokenServer();
        TokenSet seeded = Seed(home, server, time.GetUtcNow(), TimeSpan.FromHours(24));
        TokenManager manager = Manager(home, server, time);

        time.Advance(TimeSpan.FromHours(23));
        Assert.Equal(seeded.AccessToken, await manager.GetAccessTokenAsync(null, CancellationToken.None));
        Assert.Equal(0, server.RefreshRequests);
    }

    [Theory]
    [InlineData(86_400, 300)]  // a day: 5 minutes ahead
    [InlineData(3_600, 300)]   // an hour: still 5 minutes
    [InlineData(1_200, 120)]   // 20 minutes: a tenth, 2 minutes
    [InlineData(5, 0.5)]       // the sandbox's --token-lifetime 5: half a second
    public async Task Refreshes_ahead_of_expiry_by_five_minutes_or_a_tenth_of_the_lifetime(int lifetimeSeconds, double marginSeconds)
    {
        using var home = new TempHome();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var server = new FakeTokenServer(lifetimeSeconds: lifetimeSeconds);
        TokenSet seeded = Seed(home, server, time.GetUtcNow(), TimeSpan.FromSeconds(lifetimeSeconds));
        TokenManager manager = Manager(home, server, time);

        time.Advance(TimeSpan.FromSeconds(lifetimeSeconds - marginSeconds) - TimeSpan.FromMilliseconds(10));
        Assert.Equal(seeded.AccessToken, await manager.GetAccessTokenAsync(null, CancellationToken.None));
        Assert.Equal(0, server.RefreshRequests);

        time.Advance(TimeSpan.FromMilliseconds(20));
        string fresh = await manager.GetAccessTokenAsync(null, CancellationToken.None);
        Assert.NotEqual(seeded.AccessToken, fresh);
        Assert.Equal(1, server.RefreshRequests);
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(lifetimeSeconds), manager.ExpiresOn);
    }

    [Fact]
    public async Task Saves_the_rotated_refresh_token_before_handing_out_the_access_token()
    {
        using var home = new TempHome();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var server = new FakeTokenServer(rotating: true);
        TokenSet seeded = Seed(home, server, time.GetUtcNow(), TimeSpan.FromHours(1));
        TokenManager manager = Manager(home, server, time);
        time.Advance(TimeSpan.FromMinutes(58));

        string access = await manager.GetAccessTokenAsync(null, CancellationToken.None);

        TokenSet stored = new TokenStore(home.Paths).Read("Prod")!;
        Assert.Equal(access, stored.AccessToken);
        Assert.NotEqual(seeded.RefreshToken, stored.RefreshToken);
        Assert.Equal(server.Issued.Last(t => t.StartsWith("refresh-", StringComparison.Ordinal)), stored.RefreshToken);
    }

    [Fact]
    public async Task A_long_lived_refresh_token_is_kept_when_the_server_sends_none()
    {
        using var home = new TempHome();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var server = new FakeTokenServer(rotating: false);
        TokenSet seeded = Seed(home, server, time.GetUtcNow(), TimeSpan.FromHours(1));
        TokenManager manager = Manager(home, server, time);
        time.Advance(TimeSpan.FromHours(2));

        await manager.GetAccessTokenAsync(null, CancellationToken.None);
        Assert.Equal(seeded.RefreshToken, new TokenStore(home.Paths).Read("Prod")!.RefreshToken);
    }

    [Fact]
    public async Task A_rejected_token_is_refreshed_even_before_its_expiry()
    {
        using var home = new TempHome();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var server = new FakeTokenServer();
        TokenSet seeded = Seed(home, server, time.GetUtcNow(), TimeSpan.FromHours(24));
        TokenManager manager = Manager(home, server, time);

        string fresh = await manager.RefreshAfterRejectionAsync(seeded.AccessToken, null, CancellationToken.None);
        Assert.NotEqual(seeded.AccessToken, fresh);
        Assert.Equal(1, server.RefreshRequests);
    }

    [Fact]
    public async Task A_rejected_token_that_another_process_replaced_already_costs_no_request()
    {
        using var home = new TempHome();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var server = new FakeTokenServer();
        TokenSet seeded = Seed(home, server, time.GetUtcNow(), TimeSpan.FromHours(24));
        TokenManager manager = Manager(home, server, time);
        Assert.Equal(seeded.AccessToken, await manager.GetAccessTokenAsync(null, CancellationToken.None));

        // "Another process" refreshes and saves.
        TokenSet other = Seed(home, server, time.GetUtcNow(), TimeSpan.FromHours(24));
        string used = await manager.RefreshAfterRejectionAsync(seeded.AccessToken, null, CancellationToken.None);

        Assert.Equal(other.AccessToken, used);
        Assert.Equal(0, server.RefreshRequests);
    }

    [Fact]
    public async Task A_refused_refresh_token_is_a_clear_error_without_the_token()
    {
        using var home = new TempHome();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var server = new FakeTokenServer();
        var dead = new TokenSet("access-dead-0123456789abcdef0123456789abcdef", "refresh-dead-0123456789abcdef0123456789abcdef", time.GetUtcNow().AddHours(-2), time.GetUtcNow().AddHours(-1), null, null);
        new TokenStore(home.Paths).Write("Prod", dead.BoundTo(TokenBinding.For(Prod)));
        TokenManager manager = Manager(home, server, time);

        var error = await Assert.ThrowsAsync<ConnectionException>(() => manager.GetAccessTokenAsync(null, CancellationToken.None));
        Assert.Equal(ConnectionErrorIds.RefreshTokenRejected, error.ErrorId);
        Assert.DoesNotContain(dead.RefreshToken, error.ToString(), StringComparison.Ordinal);
        Assert.Contains("New-CCConnection -Name 'Prod'", error.Message, StringComparison.Ordinal);
        Assert.Contains("-Force", error.Message, StringComparison.Ordinal);
        Assert.Contains("invalid_grant", error.Message, StringComparison.Ordinal);
        Assert.Contains("newer sign-in with the same application", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_stored_tokens_is_a_clear_error()
    {
        using var home = new TempHome();
        var time = new FakeTimeProvider();
        var error = await Assert.ThrowsAsync<ConnectionException>(() => Manager(home, new FakeTokenServer(), time).GetAccessTokenAsync(null, CancellationToken.None));
        Assert.Equal(ConnectionErrorIds.TokenMissing, error.ErrorId);
    }

    [Fact]
    public async Task Concurrent_callers_in_one_process_share_one_refresh()
    {
        using var home = new TempHome();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var server = new FakeTokenServer();
        Seed(home, server, time.GetUtcNow(), TimeSpan.FromHours(1));
        TokenManager manager = Manager(home, server, time);
        time.Advance(TimeSpan.FromHours(1));

        string[] tokens = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => manager.GetAccessTokenAsync(null, CancellationToken.None))));
        Assert.Single(tokens.Distinct());
        Assert.Equal(1, server.RefreshRequests);
    }

    [Fact]
    public async Task Two_processes_refreshing_at_once_spend_the_rotating_refresh_token_once()
    {
        // Two managers over one store and one lock file stand for two processes. Lined up by events, not by
        // time: the first holds the lock with its refresh request held at the server; the second, whose token
        // expired too, tries the lock, fails and pauses; the first answers and lets go; the clock moves to the
        // second's next try.
        using var home = new TempHome();
        var time = new TimerClock();
        var server = new FakeTokenServer(rotating: true);
        TokenSet seeded = Seed(home, server, time.GetUtcNow().AddHours(-2), TimeSpan.FromHours(1));
        TokenManager first = Manager(home, server, time);
        TokenManager second = Manager(home, server, time);
        server.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondLog = new System.Collections.Concurrent.ConcurrentQueue<string>();

        Task<string> a = first.GetAccessTokenAsync(null, CancellationToken.None);
        await server.RefreshArrived.Task.WaitAsync(TimerClock.HangGuard);
        Task<string> b = second.GetAccessTokenAsync(secondLog.Enqueue, CancellationToken.None);
        Assert.False(b.IsCompleted); // waiting for the lock
        server.Hold.SetResult();
        string firstToken = await a.WaitAsync(TimerClock.HangGuard);
        Assert.False(b.IsCompleted);
        await time.AdvanceToNextTimerAsync();
        string[] tokens = { firstToken, await b.WaitAsync(TimerClock.HangGuard) };

        Assert.Equal(tokens[0], tokens[1]);
        Assert.Contains(secondLog, l => l.Contains("another session has refreshed the access token already", StringComparison.Ordinal));
        Assert.Equal(1, server.RefreshRequests);
        Assert.Equal(0, server.InvalidGrants);
        Assert.NotEqual(seeded.RefreshToken, new TokenStore(home.Paths).Read("Prod")!.RefreshToken);
    }

    [Fact]
    public async Task The_token_request_gate_spaces_requests_a_second_apart()
    {
        var time = new FakeTimeProvider();
        var gate = new TokenRequestGate(time, TokenRequestGate.DefaultSpacing);
        await gate.WaitTurnAsync(CancellationToken.None);
        Task second = gate.WaitTurnAsync(CancellationToken.None);
        Task third = gate.WaitTurnAsync(CancellationToken.None);

        time.Advance(TimeSpan.FromMilliseconds(1000));
        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(100));
        await second.WaitAsync(TimerClock.HangGuard);
        Assert.False(third.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1100));
        await third.WaitAsync(TimerClock.HangGuard);
    }

    [Fact]
    public async Task Room_for_the_new_tokens_is_taken_before_the_refresh_token_is_spent()
    {
        // A disk that fills after the server rotated the refresh token would lose the connection: the room for the
        // answer is taken (written, flushed) in the secret store before the request leaves, and the answer goes into it.
        using var home = new TempHome();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var server = new FakeTokenServer { Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        Seed(home, server, time.GetUtcNow(), TimeSpan.FromHours(1));
        TokenManager manager = Manager(home, server, time);
        time.Advance(TimeSpan.FromHours(1));

        Task<string> refreshing = manager.GetAccessTokenAsync(null, CancellationToken.None);
        await server.RefreshArrived.Task.WaitAsync(TimerClock.HangGuard);
        string[] reserved = System.IO.Directory.GetFiles(home.Paths.Secrets, "*.tmp");
        Assert.Single(reserved);
        Assert.True(new System.IO.FileInfo(reserved[0]).Length >= TokenStore.ReservedBytes);

        server.Hold.SetResult();
        string access = await refreshing.WaitAsync(TimerClock.HangGuard);
        Assert.Empty(System.IO.Directory.GetFiles(home.Paths.Secrets, "*.tmp"));
        Assert.Equal(access, new TokenStore(home.Paths).Read("Prod")!.AccessToken);
        Assert.Equal(1, server.RefreshRequests);
    }

    [Fact]
    public async Task A_token_endpoint_that_never_answers_fails_TokenRequestTimeout_at_its_bound()
    {
        using var home = new TempHome();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var server = new FakeTokenServer();
        TokenSet seeded = Seed(home, server, time.GetUtcNow(), TimeSpan.FromHours(1));
        var silent = new SilentHandler();
        var http = new HttpClient(silent) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        var manager = new TokenManager(Prod, new TokenStore(home.Paths),
            secret => new OAuthClient(http, new OAuthEndpoints(AuthBase), "client-1", secret, new TokenRequestGate(time, TimeSpan.Zero), time),
            ConnectionSession.LockPathFor(home.Paths, "Prod"), time);
        time.Advance(TimeSpan.FromHours(1));

        Task<string> refreshing = manager.GetAccessTokenAsync(null, CancellationToken.None);
        await silent.Arrived.Task.WaitAsync(TimerClock.HangGuard);
        time.Advance(TokenManager.RefreshRequestTimeout - TimeSpan.FromSeconds(1));
        await Task.Delay(50);
        Assert.False(refreshing.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(1));
        var ex = await Assert.ThrowsAsync<ConnectionException>(() => refreshing.WaitAsync(TimerClock.HangGuard));
        Assert.Equal(ConnectionErrorIds.TokenRequestTimeout, ex.ErrorId);
        Assert.Contains("'Prod'", ex.Message);
        Assert.Equal(seeded.RefreshToken, new TokenStore(home.Paths).Read("Prod")!.RefreshToken);
        Assert.Empty(System.IO.Directory.GetFiles(home.Paths.Secrets, "*.tmp"));
    }

    [Fact]
    public async Task A_caller_that_stops_waiting_leaves_the_refresh_to_finish_and_save_its_answer()
    {
        // A run's deadline or Ctrl+C ends the wait for a slow token endpoint at once; the request it started goes on
        // (it may rotate the refresh token) and its answer is saved, so the connection is not lost.
        using var home = new TempHome();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var server = new FakeTokenServer { Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        TokenSet seeded = Seed(home, server, time.GetUtcNow(), TimeSpan.FromHours(1));
        TokenManager manager = Manager(home, server, time);
        time.Advance(TimeSpan.FromHours(1));

        using var deadline = new CancellationTokenSource();
        Task<string> waiting = manager.GetAccessTokenAsync(null, deadline.Token);
        await server.RefreshArrived.Task.WaitAsync(TimerClock.HangGuard);
        deadline.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimerClock.HangGuard));

        server.Hold.SetResult();
        string access = await manager.GetAccessTokenAsync(null, CancellationToken.None).WaitAsync(TimerClock.HangGuard);
        Assert.Equal(1, server.RefreshRequests);
        TokenSet saved = new TokenStore(home.Paths).Read("Prod")!;
        Assert.Equal(access, saved.AccessToken);
        Assert.NotEqual(seeded.RefreshToken, saved.RefreshToken);
    }

    /// <summary>A token endpoint that takes the request and never answers (until the request is cancelled).</summary>
    private sealed class SilentHandler : HttpMessageHandler
    {
        public TaskCompletionSource Arrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Arrived.TrySetResult();
            await Task.Delay(System.Threading.Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }
}
