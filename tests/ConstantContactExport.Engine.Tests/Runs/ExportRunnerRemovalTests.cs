using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Exports;
using ConstantContactExport.Engine.Runs;
using ConstantContactExport.Engine.Sync;
using ConstantContactExport.Engine.Tests.Sending;

namespace ConstantContactExport.Engine.Tests.Runs;

/// <summary>
/// -RemoveMissing through <see cref="ExportRunner"/> and the fake account: leavers taken off the list (and out of the
/// state), outsiders never touched, MaxRemovePercent and -Force, contact ids learnt, resumable removals.
/// </summary>
public sealed partial class ExportRunnerTests
{
    private const string ListId = "04fe9a97-a579-43c5-bb1a-58ed29bf0a6a";

    private static ExportDefinition Removing(int maxRemovePercent = 10)
    {
        ExportDefinition definition = Definition();
        definition.RemoveMissing = true;
        definition.MaxRemovePercent = maxRemovePercent;
        return definition;
    }

    [Fact]
    public async Task A_leaver_is_taken_off_the_list_and_out_of_the_state_and_an_outsider_is_never_touched()
    {
        ExportRunResult first = await RunFiles(new ExportRunRequest(Removing()), Csv("in.csv", Good(0, 40)));
        Assert.Equal(RunState.Completed, first.Status.State);
        Assert.Equal(0, first.Status.RemovedCount);
        Assert.All(SyncStateFile.Load(StatePath())!.Records, r => Assert.True(r.HasContactId, "a first run learns every id"));
        api.AddMember("outsider@example.com", ListId);

        // person3 left the segment (Other), person5 is gone from the input: both leave; the outsider stays.
        string next = Csv("next.csv", Good(0, 3), Good(4, 1), Good(6, 34), new[] { "person3@example.com,Name3,Other" });
        ExportRunResult second = await RunFiles(new ExportRunRequest(Removing()), next);

        Assert.Null(second.Failure);
        Assert.Equal(RunState.Completed, second.Status.State);
        Assert.Equal(2, second.Status.RemovedCount);
        Assert.Equal((0, 38), (second.Status.SubmittedCount, second.Status.UnchangedCount));
        var removal = Assert.Single(api.Removals);
        Assert.Equal(ListId, removal.List);
        Assert.Equal(new[] { api.Find("person3@example.com")!.Id, api.Find("person5@example.com")!.Id }.OrderBy(g => g), removal.ContactIds.OrderBy(g => g));
        string[] members = api.MembersOf(ListId);
        Assert.DoesNotContain("person3@example.com", members);
        Assert.DoesNotContain("person5@example.com", members);
        Assert.Contains("outsider@example.com", members);
        Assert.NotNull(api.Find("person5@example.com"));
        Assert.Equal(38, SyncStateFile.Load(StatePath())!.Count);
        Assert.Contains("Removed 2 contact(s)", second.Status.Message, StringComparison.Ordinal);

        // Once removed, nothing more: no removal and no page read.
        int pages = api.ContactPagesRead.Count;
        ExportRunResult third = await RunFiles(new ExportRunRequest(Removing()), next);
        Assert.Equal(0, third.Status.RemovedCount);
        Assert.Single(api.Removals);
        Assert.Equal(pages, api.ContactPagesRead.Count);
        Assert.Equal(0, third.Status.RequestCount);
    }

    [Fact]
    public async Task A_run_without_RemoveMissing_notes_no_profiles_and_reads_no_contacts()
    {
        await RunFiles(new ExportRunRequest(Definition()), Csv("in.csv", Good(0, 20)));
        ExportRunResult second = await RunFiles(new ExportRunRequest(Definition()), Csv("less.csv", Good(0, 10)));
        Assert.Equal(0, second.Status.RemovedCount);
        Assert.Empty(api.ContactPagesRead);
        Assert.Empty(api.Removals);
        Assert.Equal(20, SyncStateFile.Load(StatePath())!.Count);
        Assert.Empty(Directory.GetFiles(paths.Runs, PresentKeysFile.FileName, SearchOption.AllDirectories));
    }

    [Fact]
    public async Task The_remove_limit_names_the_list_as_the_definition_does_and_an_older_run_by_its_id()
    {
        ExportDefinition named = Removing();
        named.ListNames = new List<string> { "Newsletter" };
        await RunFiles(new ExportRunRequest(named), Csv("in.csv", Good(0, 50)));

        ExportRunResult refused = await RunFiles(new ExportRunRequest(named), Csv("cut.csv", Good(0, 44)));
        Assert.Equal("RemoveLimitExceeded", refused.Failure?.ErrorId);
        Assert.Contains("remove 6 of the 50 contacts of list 'Newsletter' (12%; MaxRemovePercent 10 allows 5)", refused.Failure!.Message, StringComparison.Ordinal);
        Assert.Equal(new[] { "Newsletter" }, refused.Status.Manifest.ListNames);

        // A manifest without names (a run started before they were kept) names the list by its id.
        var older = new RunManifest { ListIds = { ListId } };
        Assert.Equal(ListId, older.ListLabel(ListId));
        older.ListMap = new List<ListMapEntry> { new() { Segment = "Gold", ListId = ListId.ToUpperInvariant(), ListName = "Gold list" } };
        Assert.Equal("'Gold list'", older.ListLabel(ListId));
        older.ListNames = new List<string> { "Newsletter", "extra" };
        Assert.Equal("'Gold list'", older.ListLabel(ListId));

        // A name is the account's: terminal escapes and line breaks in it are shown, not sent to the console.
        older.ListNames = new List<string> { "\u001b]0;pwned\u0007\u001b[2JNews\r\nFAKE\u009b" };
        Assert.Equal("'\\x1B]0;pwned\\x07\\x1B[2JNews\\x0D\\x0AFAKE\\x9B'", older.ListLabel(ListId));
    }

    [Fact]
    public async Task A_truncated_input_removes_nothing_and_fails_RemoveLimitExceeded_until_Force()
    {
        string all = Csv("in.csv", Good(0, 50));
        await RunFiles(new ExportRunRequest(Removing()), all);
        string truncated = Csv("cut.csv", Good(0, 44));

        ExportRunResult refused = await RunFiles(new ExportRunRequest(Removing()), truncated);
        Assert.Equal("RemoveLimitExceeded", refused.Failure?.ErrorId);
        Assert.Equal(RunErrorKind.LimitsExceeded, refused.Failure!.Kind);
        Assert.Equal(RunState.Failed, refused.Status.State);
        Assert.Contains($"remove 6 of the 50 contacts of list {ListId} (12%; MaxRemovePercent 10 allows 5)", refused.Failure.Message, StringComparison.Ordinal);
        Assert.Contains($"Invoke-CCExport -Name 'news' -Path '{truncated}' -Force", refused.Failure.Message, StringComparison.Ordinal);
        Assert.Contains("A truncated or wrong input looks like this. If these", refused.Failure.Message, StringComparison.Ordinal); // nothing to import
        Assert.Empty(api.Removals);
        Assert.Equal(50, api.MembersOf(ListId).Length);
        Assert.Equal(50, SyncStateFile.Load(StatePath())!.Count);

        ExportRunResult forced = await RunFiles(new ExportRunRequest(Removing()) { Force = true }, truncated);
        Assert.Null(forced.Failure);
        Assert.Equal(6, forced.Status.RemovedCount);
        Assert.Equal(44, api.MembersOf(ListId).Length);
        Assert.Equal(44, SyncStateFile.Load(StatePath())!.Count);
        Assert.Contains(observer.Warnings, w => w.Contains("-Force: removing past MaxRemovePercent", StringComparison.Ordinal));
    }

    [Fact]
    public async Task New_contacts_ids_are_learnt_from_the_pages_changed_since_the_first_import_not_the_whole_list()
    {
        api.ContactPageSize = 10;
        await RunFiles(new ExportRunRequest(Removing()), Csv("in.csv", Good(0, 100)));
        int firstRunPages = api.ContactPagesRead.Count;

        // The list, new, is read before the first import (one page, empty), then whole for the ids.
        Assert.Equal(1 + 10, firstRunPages);
        Assert.All(api.ContactPagesRead, p => Assert.Null(p.UpdatedAfter));

        time.Advance(TimeSpan.FromHours(24));
        ExportRunResult second = await RunFiles(new ExportRunRequest(Removing()), Csv("more.csv", Good(0, 100), Good(100, 5)));
        Assert.Equal(5, second.Status.SubmittedCount);
        var pages = api.ContactPagesRead.Skip(firstRunPages).ToList();

        // Before the first import, what changed since the first run's last read (here the first run's contacts, imported
        // within the watermark's tolerance before it: a small run does not wait); after it, the new contacts.
        Assert.All(pages, p => Assert.NotNull(p.UpdatedAfter));
        Assert.InRange(pages.Count, 2, 11);
        Assert.True(pages[0].UpdatedAfter < time.GetUtcNow().AddHours(-23), "the read before the imports starts from the last run's");
        Assert.True(pages[^1].UpdatedAfter < second.Status.FirstSendingAt, "updated_after reaches before the first import");
        Assert.Equal(105, SyncStateFile.Load(StatePath())!.Records.Count(r => r.HasContactId));
    }

    [Fact]
    public async Task A_leaver_whose_id_is_unknown_is_found_by_reading_its_list_and_one_already_off_it_is_dropped_without_a_request()
    {
        // A -RemoveMissing export whose state holds no ids (they were not learnt): its list was read, so it is not kept whole.
        await RunFiles(new ExportRunRequest(Removing()), Csv("in.csv", Good(0, 40)));
        SyncState made = SyncStateFile.Load(StatePath())!;
        SyncStateFile.Save(StatePath(), made.Lists.ToArray(), made.Records.Select(r => r.WithContactId(Guid.Empty)).ToArray(), made.SavedAt);
        Assert.All(SyncStateFile.Load(StatePath())!.Records, r => Assert.False(r.HasContactId));
        api.Unsubscribe("person7@example.com");

        ExportRunResult result = await RunFiles(new ExportRunRequest(Removing()), Csv("next.csv", Good(0, 6), Good(8, 32)));
        Assert.Null(result.Failure);
        Assert.Equal(RunState.Completed, result.Status.State);
        Assert.Equal(1, result.Status.RemovedCount);
        Assert.Equal(new[] { api.Find("person6@example.com")!.Id }, Assert.Single(api.Removals).ContactIds);
        Assert.Contains("1 had left the list already", result.Status.Message, StringComparison.Ordinal);
        Assert.Equal("unsubscribed", api.Find("person7@example.com")!.Unsubscribed ? "unsubscribed" : "active");
        SyncState state = SyncStateFile.Load(StatePath())!;
        Assert.Equal(38, state.Count);
        Assert.All(state.Records, r => Assert.True(r.HasContactId, "the whole read learnt every id it met"));
    }

    [Fact]
    public async Task A_removal_whose_answer_was_lost_is_simply_sent_again()
    {
        await RunFiles(new ExportRunRequest(Removing()), Csv("in.csv", Good(0, 30)));
        api.RemovalScript.Enqueue(PostBehaviour.AcceptThenLoseAnswer);
        ExportRunResult result = await RunFiles(new ExportRunRequest(Removing()), Csv("next.csv", Good(0, 29)));
        Assert.Equal(RunState.Completed, result.Status.State);
        Assert.Equal(2, api.Removals.Count);
        Assert.Equal(api.Removals[0].ContactIds, api.Removals[1].ContactIds);
        Assert.Equal(1, result.Status.RemovedCount);
        Assert.Equal(29, SyncStateFile.Load(StatePath())!.Count);
    }

    [Fact]
    public async Task Removals_stopped_by_the_quota_are_finished_by_a_resume_and_only_then_recorded()
    {
        api.ContactPageSize = 10;
        await RunFiles(new ExportRunRequest(Removing()), Csv("in.csv", Good(0, 1200)));
        api.RemovalScript.Enqueue(PostBehaviour.Accept);
        api.RemovalScript.Enqueue(PostBehaviour.QuotaExceeded);
        ExportRunResult stopped = await RunFiles(new ExportRunRequest(Removing(maxRemovePercent: 100)), Csv("next.csv", Good(0, 100)));
        Assert.Equal(RunState.Stopped, stopped.Status.State);
        Assert.True(stopped.Status.RemovalsPlanned);
        Assert.Equal(new[] { 500, 500, 100 }, stopped.Status.RemovalContacts);
        Assert.Equal(1200, SyncStateFile.Load(StatePath())!.Count);
        int pages = api.ContactPagesRead.Count;

        using (ExportRunner runner = NewRunner(new ExportRunRequest(Removing(maxRemovePercent: 100))))
        {
            ExportRunResult resumed = await Drive(Task.Run(() => runner.Resume(null, CancellationToken.None)));
            Assert.Equal(RunState.Completed, resumed.Status.State);
            Assert.Equal(1100, resumed.Status.RemovedCount);
        }

        Assert.Equal(pages, api.ContactPagesRead.Count);
        Assert.Equal(3, api.Removals.Count);
        Assert.Equal(100, api.MembersOf(ListId).Length);
        Assert.Equal(100, SyncStateFile.Load(StatePath())!.Count);
    }

    [Fact]
    public async Task A_removal_that_did_not_complete_leaves_its_contacts_recorded_for_the_next_run()
    {
        await RunFiles(new ExportRunRequest(Removing()), Csv("in.csv", Good(0, 30)));
        api.FinishState = "failed";
        ExportRunResult result = await RunFiles(new ExportRunRequest(Removing()), Csv("next.csv", Good(0, 29)));
        Assert.Equal(RunState.CompletedWithErrors, result.Status.State);
        Assert.Equal(0, result.Status.RemovedCount);
        Assert.Equal(30, SyncStateFile.Load(StatePath())!.Count);

        api.FinishState = "completed";
        ExportRunResult again = await RunFiles(new ExportRunRequest(Removing()), Csv("next2.csv", Good(0, 29)));
        Assert.Equal(1, again.Status.RemovedCount);
        Assert.Equal(29, SyncStateFile.Load(StatePath())!.Count);
    }

    [Fact]
    public async Task A_profile_still_in_the_segment_is_never_removed_whatever_became_of_it()
    {
        await RunFiles(new ExportRunRequest(Removing()), Csv("in.csv", Good(0, 30)));

        // Unchanged, changed, a duplicate (person9 twice), and person8 rejected for its name: all still in the segment.
        string next = Csv("next.csv", Good(0, 8), new[] { "person8@example.com," + new string('x', 60) + ",VIP", "PERSON9@example.com,Changed,VIP", "person9@example.com,Again,VIP" }, Good(10, 20));
        ExportRunResult result = await RunFiles(new ExportRunRequest(Removing()), next);
        Assert.Equal((1, 1, 1), (result.Status.InvalidCount, result.Status.DuplicateCount, result.Status.SubmittedCount));
        Assert.Equal(0, result.Status.RemovedCount);
        Assert.Empty(api.Removals);
        Assert.Equal(30, api.MembersOf(ListId).Length);
    }

    [Fact]
    public async Task WhatIf_shows_the_removals_per_list_and_warns_past_the_limit()
    {
        await RunFiles(new ExportRunRequest(Removing()), Csv("in.csv", Good(0, 20)));
        observer.Answer = false;
        ExportRunResult whatIf = await RunFiles(new ExportRunRequest(Removing()) { WouldAskBeforeSending = true }, Csv("less.csv", Good(0, 19), Good(100, 2)));
        Assert.Equal(RunState.WhatIf, whatIf.Status.State);
        Assert.Equal($"Send 2 contacts in 1 import(s); 19 unchanged since the last sync are not sent; remove 1 that left the segment (list {ListId}: 1 of 20 (5%))", observer.LastAction);
        Assert.Contains("would remove 1 that left the segment", whatIf.Status.Message, StringComparison.Ordinal);
        Assert.Empty(observer.Warnings);

        await RunFiles(new ExportRunRequest(Removing()) { WouldAskBeforeSending = true }, Csv("cut.csv", Good(0, 10)));
        Assert.Contains(observer.Warnings, w => w.Contains("would remove 10 of the 20 contacts", StringComparison.Ordinal) && w.Contains("RemoveLimitExceeded", StringComparison.Ordinal));
        Assert.Empty(api.Removals);
        Assert.Equal(20, api.MembersOf(ListId).Length);
    }

    [Fact]
    public async Task WhatIf_before_the_first_RemoveMissing_run_says_its_lists_are_read_and_their_contacts_kept()
    {
        observer.Answer = false;
        await RunFiles(new ExportRunRequest(Removing()) { WouldAskBeforeSending = true }, Csv("in.csv", Good(0, 20)));
        Assert.EndsWith("; remove none (the export has no sync state yet: the run reads its list(s) first and keeps every contact on them now; "
            + "only contacts it sends that later leave the segment are removed by later runs)", observer.LastAction, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhatIf_names_a_list_added_to_the_export_since_whose_contacts_now_are_all_kept()
    {
        const string Added = "9b1c3f3e-2a57-4f6b-9a55-7d0f3c1e2b44";
        await RunFiles(new ExportRunRequest(Removing()), Csv("in.csv", Good(0, 20)));
        api.AddMember("signup@example.com", Added);

        ExportDefinition twoLists = Removing();
        twoLists.ListIds.Add(Added);
        twoLists.ListNames = new List<string> { "Newsletter", "Partners" };
        observer.Answer = false;
        await RunFiles(new ExportRunRequest(twoLists) { WouldAskBeforeSending = true }, Csv("less.csv", Good(0, 19)));
        Assert.EndsWith("remove 1 that left the segment (list 'Newsletter': 1 of 20 (5%)); list(s) 'Partners' are new to the export: every contact on them now is kept", observer.LastAction, StringComparison.Ordinal);

        observer.Answer = true;
        ExportRunResult run = await RunFiles(new ExportRunRequest(twoLists), Csv("less.csv", Good(0, 19)));
        Assert.Equal(1, run.Status.RemovedCount);
        Assert.Contains("signup@example.com", api.MembersOf(Added));
    }

    [Fact]
    public async Task WhatIf_and_the_run_count_the_list_alike_and_the_Force_run_after_a_refusal_counts_the_newcomer_it_recorded()
    {
        await RunFiles(new ExportRunRequest(Removing(5)), Csv("in.csv", Good(0, 50)));

        // 5 leave, 1 joins: the base is what the export has on the list, 50, for -WhatIf and the run alike.
        string next = Csv("next.csv", Good(0, 45), Good(100, 1));
        const string Counts = "5 of the 50 contacts of list 04fe9a97-a579-43c5-bb1a-58ed29bf0a6a (10%; MaxRemovePercent 5 allows 2)";
        observer.Answer = false;
        await RunFiles(new ExportRunRequest(Removing(5)) { WouldAskBeforeSending = true }, next);
        Assert.Contains(observer.Warnings, w => w.Contains(Counts, StringComparison.Ordinal));
        Assert.Contains("(list 04fe9a97-a579-43c5-bb1a-58ed29bf0a6a: 5 of 50 (10%))", observer.LastAction, StringComparison.Ordinal);

        observer.Answer = true;
        ExportRunResult refused = await RunFiles(new ExportRunRequest(Removing(5)), next);
        Assert.Equal("RemoveLimitExceeded", refused.Failure?.ErrorId);
        Assert.Contains(Counts, refused.Failure!.Message, StringComparison.Ordinal);
        Assert.Contains("looks like this; the imports were made.", refused.Failure.Message, StringComparison.Ordinal);
        Assert.Equal(51, SyncStateFile.Load(StatePath())!.Count);

        // The refused run recorded its import: the newcomer is the export's now, and counts.
        observer.Clear();
        ExportRunResult forced = await RunFiles(new ExportRunRequest(Removing(5)) { Force = true }, next);
        Assert.Equal(5, forced.Status.RemovedCount);
        Assert.Contains(observer.Warnings, w => w.Contains("list 04fe9a97-a579-43c5-bb1a-58ed29bf0a6a: 5 of 51 (9.8%)", StringComparison.Ordinal));
        Assert.Equal(46, api.MembersOf(ListId).Length);
    }

    [Fact]
    public async Task A_small_list_may_lose_one_contact_a_run_under_the_default_limit()
    {
        await RunFiles(new ExportRunRequest(Removing()), Csv("in.csv", Good(0, 5)));

        ExportRunResult one = await RunFiles(new ExportRunRequest(Removing()), Csv("four.csv", Good(0, 4)));
        Assert.Null(one.Failure);
        Assert.Equal(1, one.Status.RemovedCount);

        ExportRunResult two = await RunFiles(new ExportRunRequest(Removing()), Csv("two.csv", Good(0, 2)));
        Assert.Equal("RemoveLimitExceeded", two.Failure?.ErrorId);
        Assert.Contains("2 of the 4 contacts", two.Failure!.Message, StringComparison.Ordinal);
        Assert.Contains("MaxRemovePercent 10 allows 1)", two.Failure.Message, StringComparison.Ordinal);
        Assert.Equal(4, api.MembersOf(ListId).Length);
    }

    [Fact]
    public async Task A_profile_rejected_for_an_address_that_cleans_up_to_its_contacts_keeps_the_contact_on_the_list()
    {
        // MaxRemovePercent 100: any leaver would go; MaxRejectPercent 100: the rejects do not stop the run first.
        ExportDefinition definition = Removing(100);
        definition.MaxRejectPercent = 100;
        await RunFiles(new ExportRunRequest(definition), Csv("in.csv", Good(0, 6), new[] { "jeff@xn--fiqq24b10vi0d.tw,Jeff,VIP" }));

        // The same people, their addresses unreadable as given or the row rejected for its name: all still in the segment.
        string next = Csv(
            "next.csv",
            Good(0, 1),
            new[]
            {
                "<person1@example.com>,Name1,VIP",
                "mailto:person2@example.com,Name2,VIP",
                "per\u200Bson3@example.com,Name3,VIP",
                "\"\"\"person4@example.com\"\"\",Name4,VIP",
                "Person Five <PERSON5@example.com>,Name5,VIP",
                "jeff@\u81FA\u7DB2\u4E2D\u5FC3.tw," + new string('x', 60) + ",VIP",
            });
        ExportRunResult result = await RunFiles(new ExportRunRequest(definition), next);

        Assert.Null(result.Failure);
        Assert.Equal((6, 0, 1), (result.Status.InvalidCount, result.Status.SubmittedCount, result.Status.UnchangedCount));
        Assert.Equal(0, result.Status.RemovedCount);
        Assert.Empty(api.Removals);
        Assert.Equal(7, api.MembersOf(ListId).Length);
        Assert.Equal(7, File.ReadAllLines(result.Status.Manifest.RejectPath).Length);
    }

    [Fact]
    public async Task A_contact_on_the_list_before_the_export_first_sent_it_is_never_removed_even_when_its_updated_at_did_not_move()
    {
        // Another tool imported person100 onto the list (the same row as the export's): the export's first run finds it
        // there before its first import, and the row the export sends later changes nothing (no updated_at bump).
        api.ContactPageSize = 10;
        api.UnchangedRowKeepsUpdatedAt = true;
        await RunFiles(new ExportRunRequest(Definition()), Csv("seed.csv", Good(100, 1)));
        File.Delete(StatePath());
        await RunFiles(new ExportRunRequest(Removing()), Csv("in.csv", Good(0, 100)));
        Assert.True(SyncKept.Load(SyncKept.PathOf(paths, "news")).IsOutsider(SyncKey.For("person100@example.com"), SyncListIds.Of(ListId)));
        time.Advance(TimeSpan.FromHours(24));

        ExportRunResult sent = await RunFiles(new ExportRunRequest(Removing()), Csv("more.csv", Good(0, 101)));
        Assert.Equal(1, sent.Status.SubmittedCount);
        Assert.True(SyncStateFile.Load(StatePath())!.TryFind(SyncKey.For("person100@example.com"), out _), "sent and recorded as usual");
        time.Advance(TimeSpan.FromHours(24));

        // Unchanged the night after: not sent again because it is an outsider.
        ExportRunResult again = await RunFiles(new ExportRunRequest(Removing()), Csv("more.csv", Good(0, 101)));
        Assert.Equal((0, 101), (again.Status.SubmittedCount, again.Status.UnchangedCount));

        ExportRunResult left = await RunFiles(new ExportRunRequest(Removing()), Csv("less.csv", Good(0, 99)));
        Assert.Equal(1, left.Status.RemovedCount);
        Assert.Contains("person100@example.com", api.MembersOf(ListId));
        Assert.DoesNotContain("person99@example.com", api.MembersOf(ListId));
    }

    [Fact]
    public async Task A_contact_that_joined_another_way_between_runs_and_was_first_sent_by_the_next_is_never_removed()
    {
        await RunFiles(new ExportRunRequest(Removing()), Csv("in.csv", Good(0, 40)));
        time.Advance(TimeSpan.FromHours(24));
        api.AddMember("person40@example.com", ListId);
        time.Advance(TimeSpan.FromHours(24));
        int pages = api.ContactPagesRead.Count;

        // Sent while the input is read (the import goes out before the file's end): the list is read before it.
        ExportRunResult second = await RunFiles(new ExportRunRequest(Removing()), Csv("more.csv", Good(0, 41)));
        Assert.Equal(1, second.Status.SubmittedCount);
        Assert.NotNull(api.ContactPagesRead[pages].UpdatedAfter);
        Assert.True(api.ContactPagesRead[pages].UpdatedAfter < time.GetUtcNow().AddHours(-47), "from the first run's watermark, less the tolerance");
        time.Advance(TimeSpan.FromHours(24));

        ExportRunResult third = await RunFiles(new ExportRunRequest(Removing()), Csv("less.csv", Good(0, 38)));
        Assert.Equal(2, third.Status.RemovedCount);
        string[] members = api.MembersOf(ListId);
        Assert.Contains("person40@example.com", members);
        Assert.DoesNotContain("person39@example.com", members);
        Assert.DoesNotContain("person38@example.com", members);
    }

    [Fact]
    public async Task A_large_run_waits_a_moment_before_its_read_after_the_imports_so_the_next_run_does_not_read_them_again()
    {
        await RunFiles(new ExportRunRequest(Removing()), Csv("in.csv", Good(0, 8001)));
        time.Advance(TimeSpan.FromHours(24));
        api.AddMember("outsider@example.com", ListId);
        int pages = api.ContactPagesRead.Count;

        ExportRunResult second = await RunFiles(new ExportRunRequest(Removing()), Csv("more.csv", Good(0, 8002)));

        Assert.Equal(1, second.Status.SubmittedCount);
        // Before the import: only what changed since the first run's read (the outsider); after it: the new contact.
        Assert.Equal(2, api.ContactPagesRead.Count - pages);
        Assert.True(SyncKept.Load(SyncKept.PathOf(paths, "news")).IsOutsider(SyncKey.For("outsider@example.com"), SyncListIds.Of(ListId)));
    }

    [Fact]
    public async Task RemoveMissing_turned_on_for_an_export_that_already_ran_keeps_what_is_on_its_list_and_removes_only_what_it_sends_later()
    {
        // A sign-up on the list first, then the export (without -RemoveMissing) sends it too: the state records it.
        api.AddMember("person5@example.com", ListId);
        time.Advance(TimeSpan.FromHours(1));
        await RunFiles(new ExportRunRequest(Definition()), Csv("in.csv", Good(0, 20)));
        time.Advance(TimeSpan.FromHours(24));

        // -RemoveMissing from now on: its first read of the list cannot tell sign-ups from the export's contacts, and
        // -WhatIf (which reads nothing) says as much: nothing would be removed, even past the limit.
        observer.Answer = false;
        ExportRunResult whatIf = await RunFiles(new ExportRunRequest(Removing()) { WouldAskBeforeSending = true }, Csv("cut.csv", Good(0, 5)));
        Assert.Equal(RunState.WhatIf, whatIf.Status.State);
        Assert.EndsWith($"remove 0 that left the segment (list {ListId}: 0 of 20 (0%)); the run reads list(s) {ListId} first and keeps every contact on them now", observer.LastAction, StringComparison.Ordinal);
        Assert.Empty(observer.Warnings);
        observer.Answer = true;
        ExportRunResult first = await RunFiles(new ExportRunRequest(Removing()), Csv("more.csv", Good(0, 5), Good(6, 16)));
        Assert.Equal(RunState.Completed, first.Status.State);
        Assert.Equal((2, 0), (first.Status.SubmittedCount, first.Status.RemovedCount));
        Assert.Contains("person5@example.com", api.MembersOf(ListId));
        string warning = Assert.Single(observer.Warnings);
        Assert.Equal($"The export had sent to list {ListId} before -RemoveMissing read it: it cannot tell the contacts it sent from those that joined another way, so the 20 contact(s) on the list now are kept, never removed; contacts it sends from now on that leave the segment are removed. To have the list equal to its segment, give the export a new list.", warning);
        Assert.DoesNotContain("example.com", warning, StringComparison.Ordinal);
        SyncKept kept = SyncKept.Load(SyncKept.PathOf(paths, "news"));
        Assert.Equal(20, kept.OutsiderCount);
        time.Advance(TimeSpan.FromHours(24));

        // person20 and person21 were first sent after the read: they are the export's. Those on the list at the read stay.
        ExportRunResult later = await RunFiles(new ExportRunRequest(Removing(maxRemovePercent: 100)), Csv("less.csv", Good(0, 10), Good(21, 1)));
        Assert.Equal(RunState.Completed, later.Status.State);
        Assert.Equal(1, later.Status.RemovedCount);
        string[] members = api.MembersOf(ListId);
        Assert.DoesNotContain("person20@example.com", members);
        Assert.Equal(21, members.Length);
        Assert.Empty(observer.Warnings);
    }

    [Fact]
    public async Task A_kept_record_lost_between_two_runs_keeps_everything_on_the_list_and_says_why()
    {
        await RunFiles(new ExportRunRequest(Removing()), Csv("in.csv", Good(0, 20)));
        time.Advance(TimeSpan.FromHours(24));
        api.AddMember("person20@example.com", ListId);
        time.Advance(TimeSpan.FromHours(24));
        await RunFiles(new ExportRunRequest(Removing()), Csv("more.csv", Good(0, 21)));
        Assert.True(SyncKept.Load(SyncKept.PathOf(paths, "news")).IsOutsider(SyncKey.For("person20@example.com"), SyncListIds.Of(ListId)));
        time.Advance(TimeSpan.FromHours(24));

        // A restore that brought back sync.state only: the outsider, now in the state, leaves the segment.
        File.Delete(SyncKept.PathOf(paths, "news"));
        ExportRunResult third = await RunFiles(new ExportRunRequest(Removing()), Csv("less.csv", Good(0, 20), new[] { "person20@example.com,Name20,Other" }));
        Assert.Equal(RunState.Completed, third.Status.State);
        Assert.Equal(0, third.Status.RemovedCount);
        Assert.Contains("person20@example.com", api.MembersOf(ListId));
        string warning = Assert.Single(observer.Warnings);
        Assert.StartsWith($"The export's record of the contacts that joined list {ListId} another way (sync.kept) is missing, though its sync state was made under -RemoveMissing", warning, StringComparison.Ordinal);
        Assert.Contains("the 21 contact(s) on the list now are kept, never removed", warning, StringComparison.Ordinal);
        Assert.True(SyncKept.Load(SyncKept.PathOf(paths, "news")).IsOutsider(SyncKey.For("person20@example.com"), SyncListIds.Of(ListId)));
    }

    [Fact]
    public async Task A_run_stopped_after_reading_its_lists_and_before_its_first_import_reads_them_again_on_resume()
    {
        await RunFiles(new ExportRunRequest(Removing()), Csv("in.csv", Good(0, 20)));
        time.Advance(TimeSpan.FromHours(24));
        int posts = api.Posts;

        // Stopped (Ctrl+C) as its read before the imports ends: OutsidersRead is journaled, no Sending.
        string csv = Csv("more.csv", Good(0, 21));
        using var stop = new CancellationTokenSource();
        api.OnContactPage = stop.Cancel;
        using (ExportRunner runner = NewRunner(new ExportRunRequest(Removing())))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Drive(Task.Run(() => runner.RunFiles(new[] { csv }, stop.Token))));
        }

        api.OnContactPage = null;
        RunStatus stopped = Assert.Single(new RunStore(paths).RunIds().Select(id => new RunStore(paths).Load(id)!), r => r.IsUnfinished);
        Assert.True(stopped.OutsidersRead);
        Assert.Null(stopped.FirstSendingAt);
        Assert.Equal(posts, api.Posts);

        // person20 joins by a sign-up form while the run is stopped.
        time.Advance(TimeSpan.FromHours(1));
        api.AddMember("person20@example.com", ListId);
        time.Advance(TimeSpan.FromHours(1));
        int pages = api.ContactPagesRead.Count;
        using (ExportRunner runner = NewRunner(new ExportRunRequest(Removing())))
        {
            ExportRunResult resumed = await Drive(Task.Run(() => runner.Resume(null, CancellationToken.None)));
            Assert.Equal(RunState.Completed, resumed.Status.State);
            Assert.Equal(1, resumed.Status.SubmittedCount);
        }

        Assert.True(api.ContactPagesRead.Count > pages, "the resume reads the list again before its first import");
        string journal = File.ReadAllText(Path.Combine(paths.Runs, stopped.Manifest.RunId, "journal.jsonl"));
        Assert.Equal(2, journal.Split("\"Type\":\"OutsidersRead\"").Length - 1);
        Assert.True(SyncKept.Load(SyncKept.PathOf(paths, "news")).IsOutsider(SyncKey.For("person20@example.com"), SyncListIds.Of(ListId)));
        time.Advance(TimeSpan.FromHours(24));

        ExportRunResult left = await RunFiles(new ExportRunRequest(Removing()), Csv("less.csv", Good(0, 20), new[] { "person20@example.com,Name20,Other" }));
        Assert.Equal(0, left.Status.RemovedCount);
        Assert.Contains("person20@example.com", api.MembersOf(ListId));
    }

    [Fact]
    public async Task The_kept_record_counts_its_watermark_only_beside_the_state_it_was_committed_with()
    {
        Guid list = SyncListIds.Of(ListId);
        var t1 = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        var t2 = t1.AddDays(1);
        SyncKept first = SyncKept.Empty.With(null, SyncKept.PairOf(null), new System.Collections.Generic.Dictionary<Guid, DateTimeOffset> { [list] = t1 },
            new[] { (7UL, list) }, new System.Collections.Generic.Dictionary<Guid, System.Collections.Generic.IReadOnlyCollection<ulong>>());
        Assert.Equal(t1, first.WatermarkOf(list, null));

        // Committed with a state saved at t2 that never reached the disk (a crash): beside the old state, t1 counts.
        SyncKept second = first.With(null, t2.ToUnixTimeMilliseconds(), new System.Collections.Generic.Dictionary<Guid, DateTimeOffset> { [list] = t2 },
            new[] { (9UL, list) }, new System.Collections.Generic.Dictionary<Guid, System.Collections.Generic.IReadOnlyCollection<ulong>> { [list] = new[] { 11UL } });
        string path = Path.Combine(paths.Root, "kept.bin");
        second.Save(path);
        SyncKept read = SyncKept.Load(path);
        Assert.Equal(t1, read.WatermarkOf(list, null));
        Assert.Null(read.WatermarkOf(SyncListIds.Of("0b0b0b0b-0000-4000-8000-00000000000b"), null));
        Assert.True(read.IsOutsider(7, list) && read.IsOutsider(9, list) && !read.IsOutsider(11, list));
        Assert.True(read.IsRecent(11, list));
        Assert.Equal(2, read.OutsiderCount);

        // A byte changed is caught.
        byte[] bytes = File.ReadAllBytes(path);
        bytes[40] ^= 1;
        File.WriteAllBytes(path, bytes);
        Assert.Throws<SyncStateDamagedException>(() => SyncKept.Load(path));
    }
}
