using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Api;
using ConstantContactExport.Engine.Exports;
using ConstantContactExport.Engine.Profiles;
using ConstantContactExport.Engine.Tests.TestDoubles;
using Microsoft.Extensions.Time.Testing;

namespace ConstantContactExport.Engine.Tests.Exports;

/// <summary>
/// Set-CCExport's account checks over a scripted Constant Contact: list names without regard to case, a 409 on list
/// creation resolved to the list that exists, custom fields checked, renamed to the account's spelling and created.
/// </summary>
public sealed class ExportAccountSetupTests
{
    private const string NewsletterId = "04fe9a97-a579-43c5-bb1a-58ed29bf0a6a";
    private static readonly string NewsletterJson = $"{{\"list_id\":\"{NewsletterId}\",\"name\":\"Newsletter\",\"membership_count\":3}}";

    private static ExportDefinition Definition(params (string Field, string Property)[] attributes) => new()
    {
        Name = "news",
        EmailField = "Email",
        Segments = new() { "Newsletter" },
        Attributes = attributes.ToDictionary(a => a.Field, a => a.Property, StringComparer.OrdinalIgnoreCase),
    };

    private static (ExportAccountSetup Setup, FakeHttpHandler Handler) Over(Func<RecordedRequest, HttpResponseMessage> responder)
    {
        var handler = new FakeHttpHandler(responder);
        var api = new ConstantContactApi(new HttpClient(handler), new Uri("http://127.0.0.1:1/v3"), new FakeTimeProvider(), new Random(1));
        return (new ExportAccountSetup(api), handler);
    }

    private static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) => FakeHttpHandler.Json(status, json);

    private static bool IsGet(RecordedRequest r, string path) => r.Method == HttpMethod.Get && r.Uri.AbsolutePath == "/v3/" + path;

    private static bool IsPost(RecordedRequest r, string path) => r.Method == HttpMethod.Post && r.Uri.AbsolutePath == "/v3/" + path;

    [Fact]
    public async Task A_list_name_in_another_case_resolves_to_the_accounts_list_without_creating_one()
    {
        (ExportAccountSetup setup, FakeHttpHandler handler) = Over(r =>
            IsGet(r, "contact_lists") && r.Uri.Query.Contains("name=newsletter", StringComparison.Ordinal) ? Json($"{{\"lists\":[{NewsletterJson}]}}")
            : throw new InvalidOperationException("unexpected " + r.Uri));
        ExportDefinition definition = Definition();

        ExportAccountPlan plan = await setup.PlanAsync(definition, null, new[] { "newsletter" }, createLists: true, createCustomFields: false, CancellationToken.None);
        await setup.ApplyAsync(definition, plan, CancellationToken.None);

        Assert.Empty(plan.ListsToCreate);
        Assert.Equal(new[] { NewsletterId }, definition.ListIds);
        Assert.Equal(new[] { "Newsletter" }, definition.ListNames);
        Assert.DoesNotContain(handler.Requests, r => r.Method == HttpMethod.Post);
    }

    [Fact]
    public async Task Two_spellings_of_one_list_name_make_one_target_list()
    {
        (ExportAccountSetup setup, _) = Over(r =>
            IsGet(r, "contact_lists") ? Json($"{{\"lists\":[{NewsletterJson}]}}")
            : IsGet(r, "contact_lists/" + NewsletterId) ? Json(NewsletterJson)
            : throw new InvalidOperationException());
        ExportDefinition definition = Definition();
        await setup.PlanAsync(definition, new[] { NewsletterId }, new[] { "Newsletter", "NEWSLETTER" }, false, false, CancellationToken.None);
        Assert.Equal(new[] { NewsletterId }, definition.ListIds);
    }

    [Fact]
    public async Task A_409_on_creating_a_list_resolves_the_list_that_exists_even_when_the_name_filter_misses_it()
    {
        // The name filter compares with case here (the stricter server), so the list is found only in the full listing.
        (ExportAccountSetup setup, FakeHttpHandler handler) = Over(r =>
            IsGet(r, "contact_lists") && r.Uri.Query.Contains("name=", StringComparison.Ordinal) ? Json("{\"lists\":[]}")
            : IsGet(r, "contact_lists") ? Json($"{{\"lists\":[{NewsletterJson}]}}")
            : IsPost(r, "contact_lists") ? Json("[{\"error_key\":\"conflict\",\"error_message\":\"A list with that name exists.\"}]", HttpStatusCode.Conflict)
            : throw new InvalidOperationException("unexpected " + r.Uri));
        ExportDefinition definition = Definition();

        ExportAccountPlan plan = await setup.PlanAsync(definition, null, new[] { "newsletter" }, createLists: true, createCustomFields: false, CancellationToken.None);
        Assert.Equal(new[] { "newsletter" }, plan.ListsToCreate);
        await setup.ApplyAsync(definition, plan, CancellationToken.None);

        Assert.Equal(new[] { NewsletterId }, definition.ListIds);
        Assert.Equal(new[] { "Newsletter" }, definition.ListNames);
        Assert.Single(handler.Requests, r => r.Method == HttpMethod.Post);
    }

    [Fact]
    public async Task A_409_for_a_list_that_cannot_be_found_is_a_list_conflict_not_an_import_refusal()
    {
        (ExportAccountSetup setup, _) = Over(r =>
            IsGet(r, "contact_lists") ? Json("{\"lists\":[]}")
            : IsPost(r, "contact_lists") ? Json("[{\"error_key\":\"conflict\",\"error_message\":\"conflict\"}]", HttpStatusCode.Conflict)
            : throw new InvalidOperationException());
        ExportDefinition definition = Definition();
        ExportAccountPlan plan = await setup.PlanAsync(definition, null, new[] { "Ghost" }, true, false, CancellationToken.None);

        var ex = await Assert.ThrowsAsync<ListConflictException>(() => setup.ApplyAsync(definition, plan, CancellationToken.None));
        Assert.Equal("Ghost", ex.ListName);
        Assert.Contains("409", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_list_without_CreateList_is_ListNotFound()
    {
        (ExportAccountSetup setup, _) = Over(r => IsGet(r, "contact_lists") ? Json("{\"lists\":[]}") : throw new InvalidOperationException());
        var ex = await Assert.ThrowsAsync<ExportSetupException>(() => setup.PlanAsync(Definition(), null, new[] { "Nope" }, false, false, CancellationToken.None));
        Assert.Equal("ListNotFound", ex.ErrorId);
        Assert.Equal(ExportSetupProblem.NotFound, ex.Problem);
        Assert.Contains("-CreateList", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("News\u001b[2J")]
    [InlineData("News\r\nFAKE")]
    [InlineData("News\u009b")]
    [InlineData("News\u2028FAKE")]
    [InlineData("News\u202Eevil")]
    [InlineData("Promo {half}")]
    [InlineData("News\uFFFE")]
    [InlineData("   ")]
    [InlineData("\u200B\uFEFF\u00A0")]
    [InlineData("\u3164\uFE0F\u0301")]
    [InlineData("{tag}")]
    [InlineData("News\u200F")]
    [InlineData(null)]
    public async Task A_list_it_would_create_with_a_control_character_blank_or_too_long_name_is_ListNameInvalid_before_anything_changes(string? name)
    {
        // An attribute's strings are stored as UTF-8, which has no lone surrogate: {half} stands for one.
        name = name?.Replace("{half}", "\ud83d").Replace("{tag}", "\udb40\udc41\udb40\udc42") ?? new string('x', ExportAccountSetup.MaxListNameLength + 1);
        (ExportAccountSetup setup, FakeHttpHandler handler) = Over(r => IsGet(r, "contact_lists") ? Json("{\"lists\":[]}") : throw new InvalidOperationException());
        var ex = await Assert.ThrowsAsync<ExportSetupException>(() => setup.PlanAsync(Definition(), null, new[] { name }, true, false, CancellationToken.None));
        Assert.Equal("ListNameInvalid", ex.ErrorId);
        Assert.Equal(ExportSetupProblem.InvalidArgument, ex.Problem);
        Assert.DoesNotContain('\u001b', ex.Message);
        Assert.DoesNotContain('\n', ex.Message);

        var map = new[] { new KeyValuePair<string, string>("Newsletter", name) };
        var mapped = await Assert.ThrowsAsync<ExportSetupException>(() => setup.PlanAsync(Definition(), null, null, true, false, CancellationToken.None, map));
        Assert.Equal("ListNameInvalid", mapped.ErrorId);
        Assert.DoesNotContain(handler.Requests, r => r.Method == HttpMethod.Post);
    }

    [Fact]
    public async Task A_list_of_the_longest_name_is_created_and_an_existing_list_is_taken_whatever_its_name()
    {
        string longest = new string('x', ExportAccountSetup.MaxListNameLength);
        string odd = "Odd\u001bname";
        (ExportAccountSetup setup, _) = Over(r =>
            IsGet(r, "contact_lists") && r.Uri.Query.Contains("name=Odd", StringComparison.Ordinal) ? Json($"{{\"lists\":[{{\"list_id\":\"{NewsletterId}\",\"name\":\"Odd\\u001bname\"}}]}}")
            : IsGet(r, "contact_lists") ? Json("{\"lists\":[]}")
            : throw new InvalidOperationException());
        string emoji = "Sale \ud83d\ude00 \u00e9t\u00e9 \u2014 " + new string('x', ExportAccountSetup.MaxListNameLength - 14);
        ExportAccountPlan plan = await setup.PlanAsync(Definition(), null, new[] { longest, odd, emoji }, true, false, CancellationToken.None);
        Assert.Equal(new[] { longest, emoji }, plan.ListsToCreate);

        // An emoji counts as two: one more and the name is over.
        var over = await Assert.ThrowsAsync<ExportSetupException>(() => setup.PlanAsync(Definition(), null, new[] { emoji + "x" }, true, false, CancellationToken.None));
        Assert.Equal("ListNameInvalid", over.ErrorId);
        Assert.Contains("256 characters", over.Message, StringComparison.Ordinal);
        Assert.Contains("\ud83d\ude00", over.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mapped_custom_fields_take_the_accounts_spelling_and_a_missing_one_is_CustomFieldNotFound()
    {
        (ExportAccountSetup setup, _) = Over(r => IsGet(r, "contact_custom_fields")
            ? Json("{\"custom_fields\":[{\"custom_field_id\":\"f1\",\"label\":\"Loyalty tier\",\"name\":\"Loyalty_tier\",\"type\":\"string\"}]}")
            : throw new InvalidOperationException());
        ExportDefinition known = Definition(("cf:loyalty_TIER", "Tier"));
        await setup.PlanAsync(known, null, null, false, false, CancellationToken.None);
        Assert.Equal("cf:Loyalty_tier", Assert.Single(known.Attributes).Key);

        var ex = await Assert.ThrowsAsync<ExportSetupException>(() => setup.PlanAsync(Definition(("cf:points", "Points")), null, null, false, false, CancellationToken.None));
        Assert.Equal("CustomFieldNotFound", ex.ErrorId);
        Assert.Contains("-CreateCustomField", ex.Message, StringComparison.Ordinal);
        Assert.Contains("cf:Loyalty_tier", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateCustomField_creates_each_missing_field_labelled_with_its_name_as_text()
    {
        var created = new List<string>();
        (ExportAccountSetup setup, FakeHttpHandler handler) = Over(r =>
        {
            if (IsGet(r, "contact_custom_fields"))
            {
                return Json("{\"custom_fields\":[]}");
            }

            if (IsPost(r, "contact_custom_fields"))
            {
                created.Add(r.Body!);
                return Json("{\"custom_field_id\":\"f2\",\"label\":\"loyalty_tier\",\"name\":\"loyalty_tier\",\"type\":\"string\"}", HttpStatusCode.Created);
            }

            throw new InvalidOperationException();
        });
        ExportDefinition definition = Definition(("cf:loyalty_tier", "Tier"), ("city", "City"));

        ExportAccountPlan plan = await setup.PlanAsync(definition, null, null, false, createCustomFields: true, CancellationToken.None);
        Assert.Equal(new[] { "loyalty_tier" }, plan.CustomFieldsToCreate);
        Assert.Contains("custom field(s) cf:loyalty_tier", plan.Describe(), StringComparison.Ordinal);
        Assert.Empty(created);

        await setup.ApplyAsync(definition, plan, CancellationToken.None);
        Assert.Equal("{\"label\":\"loyalty_tier\",\"type\":\"string\"}", Assert.Single(created));
        Assert.Equal("Tier", definition.Attributes["cf:loyalty_tier"]);
    }

    [Fact]
    public async Task Creating_a_custom_field_whose_label_exists_returns_the_existing_field()
    {
        var handler = new FakeHttpHandler(r =>
            IsPost(r, "contact_custom_fields") ? Json("[{\"error_key\":\"conflict\",\"error_message\":\"exists\"}]", HttpStatusCode.Conflict)
            : IsGet(r, "contact_custom_fields") ? Json("{\"custom_fields\":[{\"custom_field_id\":\"f3\",\"label\":\"Member since\",\"name\":\"Member_since\",\"type\":\"date\"}]}")
            : throw new InvalidOperationException());
        var api = new ConstantContactApi(new HttpClient(handler), new Uri("http://127.0.0.1:1/v3"), new FakeTimeProvider(), new Random(1));

        CustomFieldInfo field = await api.CreateCustomFieldAsync("member since", "date", CancellationToken.None);
        Assert.Equal(("f3", "Member_since"), (field.CustomFieldId, field.Name));
    }

    [Fact]
    public async Task A_refused_custom_field_is_an_account_change_refusal_with_the_servers_reason()
    {
        var handler = new FakeHttpHandler(r =>
            IsPost(r, "contact_custom_fields") ? Json("[{\"error_key\":\"contacts.api.limit.exceeded\",\"error_message\":\"The account already has the maximum of 100 custom fields.\"}]", HttpStatusCode.BadRequest)
            : throw new InvalidOperationException());
        var api = new ConstantContactApi(new HttpClient(handler), new Uri("http://127.0.0.1:1/v3"), new FakeTimeProvider(), new Random(1));

        var ex = await Assert.ThrowsAsync<AccountChangeRefusedException>(() => api.CreateCustomFieldAsync("x", "string", CancellationToken.None));
        Assert.Equal(400, ex.StatusCode);
        Assert.Contains("maximum of 100", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_definition_builder_names_what_a_new_export_lacks_and_refuses_bad_ids_and_fields()
    {
        var empty = new ExportDefinition { Name = "n" };
        var incomplete = Assert.Throws<ExportSetupException>(() => ExportDefinitionBuilder.Validate(empty, null, listsGiven: false));
        Assert.Equal("ExportIncomplete", incomplete.ErrorId);
        Assert.Equal("A new export needs -EmailField, -Segment, -ListId, -ListName or -ListMap.", incomplete.Message);

        var badId = Assert.Throws<ExportSetupException>(() => ExportDefinitionBuilder.Validate(Definition(), new[] { "not-a-uuid" }, listsGiven: true));
        Assert.Equal("ListIdInvalid", badId.ErrorId);

        var badField = Assert.Throws<ExportSetupException>(() => ExportDefinitionBuilder.SetAttributes(Definition(), new[] { new KeyValuePair<string, string>("no_such_field", "X") }));
        Assert.Equal(("MappingInvalid", "no_such_field"), (badField.ErrorId, badField.Target as string));

        ExportDefinition ok = Definition();
        ExportDefinitionBuilder.SetAttributes(ok, new[] { new KeyValuePair<string, string>("JOB_TITLE", "Title") });
        Assert.Equal("job_title", Assert.Single(ok.Attributes).Key);
        ExportDefinitionBuilder.Validate(ok, new[] { NewsletterId }, listsGiven: true);

        // What it reads is named in one line of text: a property, column or segment name with ESC, a line separator
        // or a direction override is refused, and shown escaped.
        foreach (Action<ExportDefinition> spoil in new Action<ExportDefinition>[]
        {
            d => d.EmailField = "Email\u001b[2J",
            d => d.SegmentField = "Seg\u2028ments",
            d => d.Attributes = new Dictionary<string, string> { ["city"] = "City\u202E" },
            d => d.Segments = new List<string> { "News\u0085letter" },
        })
        {
            ExportDefinition spoilt = Definition();
            spoil(spoilt);
            var acting = Assert.Throws<ExportSetupException>(() => ExportDefinitionBuilder.Validate(spoilt, new[] { NewsletterId }, listsGiven: true));
            Assert.Equal("MappingInvalid", acting.ErrorId);
            Assert.DoesNotContain(acting.Message, TextChecks.ActsOnText);
        }
    }
}
