using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Api;
using ConstantContactExport.Engine.Http;
using ConstantContactExport.Engine.Sending;
using ConstantContactExport.Engine.Tests.TestDoubles;

namespace ConstantContactExport.Engine.Tests.Sending;

public sealed class ConstantContactApiTests : IDisposable
{
    private const string Id = "86b90820-cc52-11ea-9dad-fa163e3d9194";
    private const string Activity = "{\"activity_id\":\"" + Id + "\",\"state\":\"completed\",\"created_at\":\"2026-11-28T12:00:00Z\",\"status\":{\"person_count\":3,\"error_count\":1,\"correctable_count\":2,\"cannot_add_to_list_count\":0},\"activity_errors\":[\"bad row\",{\"message\":\"other\"}]}";
    private readonly TempFolder temp = new();
    private readonly TimerClock time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly ScriptedHandler handler = new();
    private readonly ConstantContactApi api;
    private readonly string body;

    public ConstantContactApiTests()
    {
        api = new ConstantContactApi(new HttpClient(handler), new Uri("http://127.0.0.1:1/v3"), time, new Random(1));
        body = temp.File("batch.json");
        System.IO.File.WriteAllText(body, "{\"import_data\":[],\"list_ids\":[]}");
    }

    public void Dispose() => temp.Dispose();

    private async Task<T> Run<T>(Func<Task<T>> action)
    {
        Task<T> task = action();
        await time.DriveAsync(task);
        return await task;
    }

    [Fact]
    public async Task A_GET_throttled_for_ever_gives_up_after_30_waits()
    {
        for (int i = 0; i < 40; i++)
        {
            handler.Enqueue(429, "{\"error_key\":\"throttled\",\"error_message\":\"Too Many Requests\"}");
        }

        ApiUnavailableException ex = await Assert.ThrowsAsync<ApiUnavailableException>(() => Run(() => api.GetActivityAsync("a1", CancellationToken.None)));
        Assert.Contains("throttled 30 tries", ex.Message, StringComparison.Ordinal);
        Assert.Equal(31, api.RequestCount);
    }

    [Fact]
    public async Task A_throttled_post_is_waited_out_and_sent_again()
    {
        handler.Enqueue(429, "{\"error_key\":\"throttled\",\"error_message\":\"Too Many Requests\"}");
        handler.Enqueue(201, Activity);
        ActivityInfo activity = await Run(() => api.CreateJsonImportAsync(body, CancellationToken.None));
        Assert.Equal(Id, activity.ActivityId);
        Assert.Equal(2, api.RequestCount);
        Assert.Equal(new[] { "bad row", "other" }, activity.Errors);
        Assert.Equal((3L, 1L, 2L), (activity.PersonCount!.Value, activity.ErrorCount!.Value, activity.CorrectableCount!.Value));
    }

    [Theory]
    [InlineData(429, "{\"error_key\":\"quota_exceeded\",\"error_message\":\"Limit Exceeded\"}", typeof(QuotaExceededException))]
    [InlineData(429, "[{\"error_key\":\"too_many_activities\",\"error_message\":\"You exceeded 1,000 queued activities for this user account\"}]", typeof(ActivityQueueFullException))]
    [InlineData(500, "[{\"error_key\":\"server.error\",\"error_message\":\"oops\"}]", typeof(ImportInDoubtException))]
    [InlineData(503, "", typeof(ImportInDoubtException))]
    [InlineData(400, "[{\"error_key\":\"contacts.api.validation.error\",\"error_message\":\"list_ids required\"}]", typeof(ImportRefusedException))]
    [InlineData(401, "{\"error_key\":\"unauthorized\",\"error_message\":\"Unauthorized\"}", typeof(ApiUnavailableException))]
    public async Task Post_answers_become_the_decisions_the_sender_makes(int status, string answer, Type expected)
    {
        handler.Enqueue(status, answer);
        Exception ex = await Assert.ThrowsAnyAsync<Exception>(() => Run(() => api.CreateJsonImportAsync(body, CancellationToken.None)));
        Assert.IsType(expected, ex);
        Assert.Equal(1, api.RequestCount);
    }

    [Fact]
    public async Task A_dropped_connection_on_post_is_in_doubt_not_retried()
    {
        handler.EnqueueFailure();
        await Assert.ThrowsAsync<ImportInDoubtException>(() => Run(() => api.CreateJsonImportAsync(body, CancellationToken.None)));
        Assert.Equal(1, api.RequestCount);
    }

    [Fact]
    public async Task A_get_is_retried_through_5xx_and_resets()
    {
        handler.Enqueue(503, "");
        handler.EnqueueFailure();
        handler.Enqueue(200, "{\"activities\":[" + Activity + "]}");
        var list = await Run(() => api.ListActivitiesAsync(50, CancellationToken.None));
        Assert.Equal(Id, Assert.Single(list).ActivityId);
        Assert.Equal(3, api.RequestCount);
        Assert.Contains("limit=50", handler.Requests[2]);
    }

    [Fact]
    public async Task A_command_gives_up_after_three_tries_so_an_unreachable_api_is_said_within_seconds()
    {
        using var command = new ConstantContactApi(new HttpClient(handler), new Uri("http://127.0.0.1:1/v3"), time, new Random(1), attempts: RetryPolicy.CommandAttempts);
        for (int i = 0; i < 3; i++)
        {
            handler.Enqueue(500, "");
        }

        var ex = await Assert.ThrowsAsync<ApiUnavailableException>(() => Run(() => command.GetActivityAsync("a1", CancellationToken.None)));
        Assert.Contains("could not be reached after 3 tries", ex.Message);
        Assert.Equal(3, command.RequestCount);
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task A_contact_is_found_by_address_with_its_lists_and_when_it_changed()
    {
        handler.Enqueue(200, "{\"contacts\":[{\"contact_id\":\"c1\",\"email_address\":{\"address\":\"ada+x@example.com\"},"
            + "\"list_memberships\":[\"l1\",\"l2\"],\"updated_at\":\"2026-12-06T08:00:01Z\"}]}");
        handler.Enqueue(200, "{\"contacts\":[]}");

        ContactState? found = await Run(() => api.FindContactAsync("ada+x@example.com", CancellationToken.None));
        Assert.NotNull(found);
        Assert.Equal(new[] { "l1", "l2" }, found.ListIds);
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 8, 0, 1, TimeSpan.Zero), found.UpdatedAt);
        Assert.Equal("/v3/contacts?email=ada%2Bx%40example.com&status=all&include=list_memberships&limit=1", handler.Requests[0]);
        Assert.Null(await Run(() => api.FindContactAsync("nobody@example.com", CancellationToken.None)));
    }

    [Fact]
    public async Task A_get_gives_up_after_eight_tries()
    {
        for (int i = 0; i < 8; i++)
        {
            handler.Enqueue(500, "");
        }

        var ex = await Assert.ThrowsAsync<ApiUnavailableException>(() => Run(() => api.GetActivityAsync("a1", CancellationToken.None)));
        // The API serves Get-CCList as well as runs: only a run (RunSender) adds that -Resume continues it.
        Assert.DoesNotContain("-Resume", ex.Message);
        Assert.Contains("could not be reached after 8 tries", ex.Message);
        Assert.Equal(8, api.RequestCount);
    }

    [Fact]
    public async Task The_server_clock_offset_comes_from_the_date_header()
    {
        handler.Enqueue(200, Activity, date: time.GetUtcNow().AddSeconds(42));
        await Run(() => api.GetActivityAsync("a1", CancellationToken.None));
        Assert.Equal(TimeSpan.FromSeconds(42), api.ServerClockOffset);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"activity_id\":\"\"}")]
    [InlineData("{\"activity_id\":\"not-an-id\",\"state\":\"initialized\"}")]
    [InlineData("[]")]
    [InlineData("<html>gateway</html>")]
    [InlineData("")]
    public async Task A_success_that_names_no_activity_is_in_doubt(string answer)
    {
        handler.Enqueue(200, answer);
        var ex = await Assert.ThrowsAsync<ImportInDoubtException>(() => Run(() => api.CreateJsonImportAsync(body, CancellationToken.None)));
        Assert.Contains("without an activity id", ex.Message);
        Assert.Equal(1, api.RequestCount);
    }

    [Fact]
    public async Task Activity_pages_follow_links_next_under_the_api_base_only()
    {
        handler.Enqueue(200, "{\"activities\":[" + Activity + "],\"_links\":{\"next\":{\"href\":\"/v3/activities?cursor=abc\"}}}");
        handler.Enqueue(200, "{\"activities\":[],\"_links\":{\"next\":{\"href\":\"https://elsewhere.example/v3/activities?cursor=x\"}}}");
        ActivityPage first = await Run(() => api.ListActivitiesPageAsync(null, 500, CancellationToken.None));
        Assert.Equal("/v3/activities?cursor=abc", first.Next);
        Assert.Equal(Id, Assert.Single(first.Activities).ActivityId);
        ActivityPage second = await Run(() => api.ListActivitiesPageAsync(first.Next, 500, CancellationToken.None));
        Assert.Equal(new[] { "/v3/activities?limit=500", "/v3/activities?cursor=abc" }, handler.Requests);

        // A next link to another host is never followed with the token.
        await Assert.ThrowsAsync<ApiUnavailableException>(() => Run(() => api.ListActivitiesPageAsync(second.Next, 500, CancellationToken.None)));
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task Contacts_of_a_list_are_asked_for_500_a_page_any_status_and_changed_after_a_time()
    {
        handler.Enqueue(200, "{\"contacts\":[{\"contact_id\":\"" + Id + "\",\"email_address\":{\"address\":\"ada@example.com\"}}],\"_links\":{\"next\":{\"href\":\"/v3/contacts?cursor=abc\"}}}");
        handler.Enqueue(200, "{\"contacts\":[]}");
        string list = "04fe9a97-a579-43c5-bb1a-58ed29bf0a6a";
        ContactPage first = await Run(() => api.ListContactsPageAsync(null, list, new DateTimeOffset(2026, 12, 6, 1, 2, 3, 450, TimeSpan.Zero), CancellationToken.None));
        Assert.Equal(new[] { new ContactIdentity(Guid.Parse(Id), "ada@example.com") }, first.Contacts);
        ContactPage second = await Run(() => api.ListContactsPageAsync(first.Next, list, null, CancellationToken.None));
        Assert.Null(second.Next);
        Assert.Equal($"/v3/contacts?lists={list}&status=all&limit=500&updated_after=2026-12-06T01%3A02%3A03.450Z", handler.Requests[0]);
        Assert.Equal("/v3/contacts?cursor=abc", handler.Requests[1]);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"contacts\":null}")]
    [InlineData("[]")]
    [InlineData("{\"contacts\":[{\"contact_id\":\"not-an-id\",\"email_address\":{\"address\":\"x@example.com\"}}]}")]
    [InlineData("{\"contacts\":[{\"contact_id\":\"86b90820-cc52-11ea-9dad-fa163e3d9194\"}]}")]
    public async Task A_contacts_page_that_does_not_read_whole_is_unreadable_not_the_end_of_the_list(string answer)
    {
        // Taken for the end of the list, such a page would make a leaver look already off it, and be forgotten.
        handler.Enqueue(200, answer);
        ApiAnswerException error = await Assert.ThrowsAsync<ApiAnswerException>(() => Run(() => api.ListContactsPageAsync(null, "list-1", null, CancellationToken.None)));
        Assert.Equal(ApiAnswerException.UnreadableErrorId, error.ErrorId);
    }

    [Fact]
    public async Task A_removal_names_its_contacts_and_one_list_and_a_lost_answer_is_in_doubt()
    {
        Guid[] ids = { Guid.Parse(Id), Guid.Parse("04fe9a97-a579-43c5-bb1a-58ed29bf0a6a") };
        handler.Enqueue(201, Activity);
        ActivityInfo activity = await Run(() => api.RemoveListMembershipsAsync("list-1", ids, CancellationToken.None));
        Assert.Equal(Id, activity.ActivityId);
        Assert.Equal("/v3/activities/remove_list_memberships", handler.Requests[0]);
        Assert.Equal("{\"source\":{\"contact_ids\":[\"" + Id + "\",\"04fe9a97-a579-43c5-bb1a-58ed29bf0a6a\"]},\"list_ids\":[\"list-1\"]}", handler.Bodies[0]);

        handler.EnqueueFailure();
        await Assert.ThrowsAsync<ImportInDoubtException>(() => Run(() => api.RemoveListMembershipsAsync("list-1", ids, CancellationToken.None)));
        handler.Enqueue(429, "{\"error_key\":\"quota_exceeded\",\"error_message\":\"Limit Exceeded\"}");
        await Assert.ThrowsAsync<QuotaExceededException>(() => Run(() => api.RemoveListMembershipsAsync("list-1", ids, CancellationToken.None)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => api.RemoveListMembershipsAsync("list-1", new Guid[501], CancellationToken.None));
        Assert.Equal(3, api.RequestCount);
    }

    private sealed class ScriptedHandler : HttpMessageHandler
    {
        private readonly Queue<Func<HttpResponseMessage>> answers = new();

        public List<string> Requests { get; } = new();

        public List<string> Bodies { get; } = new();

        public void Enqueue(int status, string body, DateTimeOffset? date = null) => answers.Enqueue(() =>
        {
            var response = new HttpResponseMessage((HttpStatusCode)status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            response.Headers.Date = date;
            return response;
        });

        public void EnqueueFailure() => answers.Enqueue(() => throw new HttpRequestException("Connection reset by peer"));

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request.RequestUri!.PathAndQuery);
            Bodies.Add(request.Content is StringContent text ? text.ReadAsStringAsync().GetAwaiter().GetResult() : string.Empty);
            return Task.FromResult(answers.Dequeue()());
        }
    }
}
