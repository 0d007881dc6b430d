using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Exports;
using ConstantContactExport.Engine.Import;
using ConstantContactExport.Engine.Profiles;
using ConstantContactExport.Engine.Runs;
using ConstantContactExport.Engine.Sending;
using ConstantContactExport.Engine.Storage;
using ConstantContactExport.Engine.Tests.Sending;
using ConstantContactExport.Engine.Tests.TestDoubles;
using Microsoft.Extensions.Time.Testing;

namespace ConstantContactExport.Engine.Tests.Runs;

/// <summary>
/// A run from its input to its ledger through <see cref="ExportRunner"/>, with a fake Constant Contact: rejects as
/// outcomes and their limit, broken input that fails before anything is sent, MaxProfiles, resume, CSV options.
/// </summary>
public sealed partial class ExportRunnerTests : IDisposable
{
    private readonly TempFolder temp = new();
    private readonly TimerClock time = new(new DateTimeOffset(2026, 12, 6, 2, 15, 0, TimeSpan.Zero));
    private readonly StoragePaths paths;
    private readonly FakeImportApi api;
    private readonly Observer observer = new();
    private string batchContacts = "10";
    private string? deadlineSeconds;

    public ExportRunnerTests()
    {
        paths = new StoragePaths(temp.Path);
        api = new FakeImportApi(time);
    }

    public void Dispose() => temp.Dispose();

    private static ExportDefinition Definition(int maxRejectPercent = 10, long maxProfiles = 1_000_000) => new()
    {
        Name = "news",
        Connection = "c",
        ListIds = new() { "04fe9a97-a579-43c5-bb1a-58ed29bf0a6a" },
        EmailField = "Email",
        FirstNameField = "First",
        SegmentField = "Segments",
        Segments = new() { "VIP" },
        MaxRejectPercent = maxRejectPercent,
        MaxProfiles = maxProfiles,
    };

    [Fact]
    public async Task Rejects_are_an_outcome_summed_up_in_one_warning_that_names_the_report()
    {
        string csv = Csv("in.csv", Good(0, 95), Bad("not-an-address", 3), Bad(string.Empty, 2));
        ExportRunResult result = await RunFiles(new ExportRunRequest(Definition()), csv);

        Assert.Null(result.Failure);
        Assert.Equal(RunState.Completed, result.Status.State);
        Assert.Equal(5, result.Status.InvalidCount);
        Assert.Equal(95, result.Status.SubmittedCount);
        string warning = Assert.Single(observer.Warnings);
        Assert.Contains("5 of 100 in-segment profiles were rejected (5%; MaxRejectPercent 10): EmailInvalid 3, EmailMissing 2.", warning);
        Assert.Contains(result.Status.Manifest.RejectPath, warning);
        Assert.Empty(observer.Rejects);
        Assert.Equal(6, File.ReadAllLines(result.Status.Manifest.RejectPath).Length);
    }

    [Fact]
    public async Task Each_reject_is_handed_over_only_when_asked()
    {
        string csv = Csv("in.csv", Good(0, 95), Bad("not-an-address", 5));
        ExportRunResult result = await RunFiles(new ExportRunRequest(Definition()) { ReportEachReject = true }, csv);
        Assert.Null(result.Failure);
        Assert.Equal(5, observer.Rejects.Count);
        Assert.All(observer.Rejects, r => Assert.Equal(RejectReason.EmailInvalid, r));
    }

    [Fact]
    public async Task Input_bad_from_the_start_fails_RejectLimitExceeded_while_sending_as_it_stages_and_sends_nothing()
    {
        string csv = Csv("in.csv", Bad("nope", 30), Good(0, 40));
        ExportRunResult result = await RunFiles(new ExportRunRequest(Definition()), csv);

        Assert.Equal("RejectLimitExceeded", result.Failure?.ErrorId);
        Assert.Equal(RunErrorKind.LimitsExceeded, result.Failure!.Kind);
        Assert.Equal(RunState.Failed, result.Status.State);
        Assert.Empty(api.Activities);
        Assert.Contains("30 of the 70 in-segment profiles were rejected", result.Failure.Message);
        Assert.Contains("Nothing was sent.", result.Failure.Message);
        // The failed run's object is only on the error: the message itself names the reject report.
        Assert.Contains($"The reject report, {result.Status.Manifest.RejectPath}, says why each one was rejected.", result.Failure.Message);
        Assert.Contains(observer.Verbose, v => v.Contains("each import is sent as soon as it is staged"));
    }

    [Fact]
    public async Task Piped_input_over_the_limit_fails_before_sending_and_an_override_lets_it_through()
    {
        ExportRunResult failed = await RunPiped(new ExportRunRequest(Definition()), Piped(good: 8, bad: 2));
        Assert.Equal("RejectLimitExceeded", failed.Failure?.ErrorId);
        Assert.Equal(RunState.Failed, failed.Status.State);
        Assert.Equal(0, api.RequestCount);
        Assert.False(string.IsNullOrEmpty(failed.Status.Manifest.RejectPath));
        Assert.Contains($"The reject report, {failed.Status.Manifest.RejectPath}, says why each one was rejected.", failed.Failure!.Message);

        ExportRunResult passed = await RunPiped(new ExportRunRequest(Definition()) { MaxRejectPercent = 20 }, Piped(good: 8, bad: 2));
        Assert.Null(passed.Failure);
        Assert.Equal(RunState.Completed, passed.Status.State);
        Assert.Equal(20, passed.Status.Manifest.MaxRejectPercent);
    }

    [Fact]
    public async Task Staged_first_under_WhatIf_the_limit_fails_the_run_before_ShouldProcess_is_asked()
    {
        string csv = Csv("in.csv", Good(0, 10), Bad("nope", 10));
        ExportRunResult result = await RunFiles(new ExportRunRequest(Definition()) { WouldAskBeforeSending = true }, csv);
        Assert.Equal("RejectLimitExceeded", result.Failure?.ErrorId);
        Assert.Equal(0, observer.ShouldSendAsked);
        Assert.Equal(0, api.RequestCount);
    }

    public static IEnumerable<object[]> BrokenFiles() => new[]
    {
        // A column the export maps fails the run when no file has it; the email column, when any file lacks it.
        new object[] { "no email column", "First,Segments\nAda,VIP\n", "MappedFieldMissing", true },
        new object[] { "no first-name column", "Email,Segments\na@example.com,VIP\n", "MappedFieldMissing", false },
        new object[] { "no segment column", "Email,First\na@example.com,Ada\n", "SegmentFieldMissing", false },
        new object[] { "empty", string.Empty, "InputEmpty", true },
        new object[] { "blank lines only", "\n\n  \n", "InputEmpty", true },
        new object[] { "header without rows", "Email,First,Segments\n", "InputEmpty", true },
        new object[] { "binary", "PK\u0003\u0004\u0000\u0000\u0000\u0008\u0000binary\u0000\u0000", "InputBinary", true },
    };

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public async Task A_broken_file_fails_the_run_before_anything_is_sent(string what, string content, string errorId, bool afterAGoodFile)
    {
        string good = Csv("good.csv", Good(0, 30));
        string broken = temp.File("broken.csv");
        File.WriteAllText(broken, content, new UTF8Encoding(false));

        ExportRunResult result = afterAGoodFile
            ? await RunFiles(new ExportRunRequest(Definition()), good, broken)
            : await RunFiles(new ExportRunRequest(Definition()), broken);

        Assert.True(errorId == result.Failure?.ErrorId, $"{what}: {result.Failure?.ErrorId} {result.Failure?.Message}");
        Assert.Equal(RunState.Failed, result.Status.State);
        Assert.Equal(0, api.RequestCount);
        Assert.Contains("Nothing was sent", result.Failure!.Message);
    }

    [Fact]
    public async Task A_column_that_only_some_files_lack_is_a_warning_not_a_failure()
    {
        string withFirst = Csv("a.csv", Good(0, 20));
        string without = temp.File("b.csv");
        File.WriteAllText(without, "Email,Segments\nb1@example.com,VIP\nb2@example.com,VIP\n");
        ExportRunResult result = await RunFiles(new ExportRunRequest(Definition()), withFirst, without);
        Assert.Null(result.Failure);
        Assert.Equal(22, result.Status.SubmittedCount);
        Assert.Contains(observer.Warnings, w => w.Contains("has no column 'First'"));
    }

    [Fact]
    public async Task Piped_input_that_holds_no_profile_or_lacks_a_mapped_property_fails_before_sending()
    {
        ExportRunResult strings = await RunPiped(new ExportRunRequest(Definition()), Enumerable.Range(0, 3).Select(_ => NotAProfile()).ToList());
        Assert.Equal("InputHasNoProfiles", strings.Failure?.ErrorId);
        // The failure says it; a reject warning (NotAProfile 3) would only repeat it.
        Assert.DoesNotContain(observer.Warnings, w => w.Contains("were rejected"));

        ExportRunResult nothing = await RunPiped(new ExportRunRequest(Definition()), new List<Action<ProfileRecord, IReadOnlyList<string>>>());
        Assert.Equal("InputEmpty", nothing.Failure?.ErrorId);

        ExportRunResult noSegment = await RunPiped(new ExportRunRequest(Definition()), new List<Action<ProfileRecord, IReadOnlyList<string>>> { Profile("a@example.com", "Ada", segments: null) });
        Assert.Equal("SegmentFieldMissing", noSegment.Failure?.ErrorId);
        Assert.Equal(RunState.Failed, noSegment.Status.State);

        // With -Segment the segment property is not needed.
        ExportRunResult given = await RunPiped(new ExportRunRequest(Definition()) { InputSegments = new[] { "VIP" } }, new List<Action<ProfileRecord, IReadOnlyList<string>>> { Profile("a@example.com", "Ada", segments: null) });
        Assert.Null(given.Failure);
        Assert.Equal(1, given.Status.SubmittedCount);
        Assert.Single(api.Activities);
    }

    [Theory]
    [InlineData("no-such-encoding", null, "EncodingInvalid")]
    [InlineData(null, "0", "BatchSizeInvalid")]
    public void Parameter_values_are_checked_before_a_run_exists(string? encoding, string? batch, string errorId)
    {
        batchContacts = batch ?? "10";
        string csv = Csv("in.csv", Good(0, 3));
        using ExportRunner runner = NewRunner(new ExportRunRequest(Definition()) { Encoding = encoding });
        var ex = Assert.Throws<ExportRunException>(() => runner.RunFiles(new[] { csv }, CancellationToken.None));
        Assert.Equal(errorId, ex.ErrorId);
        Assert.False(Directory.Exists(Path.Combine(temp.Path, "runs")) && Directory.EnumerateFileSystemEntries(Path.Combine(temp.Path, "runs")).Any());
    }

    [Fact]
    public void An_export_without_a_segment_field_needs_Segment_and_says_so_without_parameter_names()
    {
        ExportDefinition definition = Definition();
        definition.SegmentField = null;
        using ExportRunner runner = NewRunner(new ExportRunRequest(definition));
        var ex = Assert.Throws<ExportRunException>(() => runner.StartPipeline());
        Assert.Equal("ExportInputInvalid", ex.ErrorId);
        Assert.DoesNotContain("(Parameter", ex.Message);
    }

    [Fact]
    public async Task MaxProfiles_over_the_files_lines_stages_first_and_a_run_over_it_sends_nothing()
    {
        string csv = Csv("in.csv", Good(0, 30));
        ExportRunResult result = await RunFiles(new ExportRunRequest(Definition(maxProfiles: 25)), csv);
        Assert.Equal("MaxProfilesExceeded", result.Failure?.ErrorId);
        Assert.Equal(0, api.RequestCount);
        Assert.Contains(observer.Verbose, v => v.Contains("more than MaxProfiles (25): staging all of them before anything is sent"));

        // Lines beyond MaxProfiles that are not profiles (out of segment) still send, once staged.
        string mixed = Csv("mixed.csv", Good(0, 20), Outside(10));
        ExportRunResult sent = await RunFiles(new ExportRunRequest(Definition(maxProfiles: 25)), mixed);
        Assert.Null(sent.Failure);
        Assert.Equal(20, sent.Status.SubmittedCount);
    }

    [Fact]
    public void RunLimits_decide_MaxProfiles_and_the_reject_share()
    {
        var limits = new RunLimits(100, 10);
        Assert.True(limits.MayStream(100));
        Assert.False(limits.MayStream(101));
        Assert.False(limits.RejectShareOver(10, 100));
        Assert.True(limits.RejectShareOver(11, 100));
        Assert.False(limits.RejectShareOver(0, 0));
        Assert.True(new RunLimits(100, 0).RejectShareOver(1, 1000));
        Assert.False(new RunLimits(100, 100).RejectShareOver(1000, 1000));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RunLimits(100, 101));
    }

    [Fact]
    public async Task A_run_stopped_by_the_quota_fails_the_caller_with_ExportStopped_and_resumes_to_completion()
    {
        string csv = Csv("in.csv", Good(0, 30));
        ExportRunResult stopped = await RunStoppedAfterOneImport(new ExportRunRequest(Definition()), csv);
        Assert.Equal("ExportStopped", stopped.Failure?.ErrorId);

        using ExportRunner runner = NewRunner(new ExportRunRequest(Definition()));
        ExportRunResult resumed = await Drive(Task.Run(() => runner.Resume(null, CancellationToken.None)));
        Assert.Null(resumed.Failure);
        Assert.Equal(RunState.Completed, resumed.Status.State);
        Assert.Equal(stopped.Status.Manifest.RunId, resumed.Status.Manifest.RunId);
        Assert.Equal(3, api.Activities.Count);
    }

    [Fact]
    public async Task Resume_under_WhatIf_sends_nothing_and_leaves_the_run_to_be_resumed_for_real()
    {
        string csv = Csv("in.csv", Good(0, 30));
        ExportRunResult stopped = await RunStoppedAfterOneImport(new ExportRunRequest(Definition()), csv);
        int activities = api.Activities.Count;

        observer.Answer = false;
        using (ExportRunner whatIf = NewRunner(new ExportRunRequest(Definition())))
        {
            ExportRunResult planned = await Drive(Task.Run(() => whatIf.Resume(null, CancellationToken.None)));
            Assert.Null(planned.Failure);
            Assert.Equal(RunState.Stopped, planned.Status.State);
            Assert.Contains("Resume: send 2 of its 3 import(s)", observer.LastAction, StringComparison.Ordinal);
        }

        Assert.Equal(activities, api.Activities.Count);
        observer.Answer = true;
        observer.Clear();
        using ExportRunner runner = NewRunner(new ExportRunRequest(Definition()));
        ExportRunResult resumed = await Drive(Task.Run(() => runner.Resume(null, CancellationToken.None)));
        Assert.Equal(RunState.Completed, resumed.Status.State);
        Assert.Equal(stopped.Status.Manifest.RunId, resumed.Status.Manifest.RunId);
        Assert.Equal(1, observer.ShouldSendAsked);
        Assert.Equal(3, api.Activities.Count);
    }

    [Fact]
    public async Task A_stopped_run_resumed_after_a_later_run_recorded_the_segment_sends_nothing_more_and_fails_RunSuperseded()
    {
        string monday = Csv("monday.csv", Good(0, 30));
        ExportRunResult stopped = await RunStoppedAfterOneImport(new ExportRunRequest(Definition()), monday);

        time.Advance(TimeSpan.FromDays(1));
        ExportRunResult tuesday = await RunFiles(new ExportRunRequest(Definition()), Csv("tuesday.csv", Good(0, 20)));
        Assert.Equal(RunState.Completed, tuesday.Status.State);
        int activities = api.Activities.Count;

        using ExportRunner runner = NewRunner(new ExportRunRequest(Definition()));
        ExportRunResult resumed = await Drive(Task.Run(() => runner.Resume(stopped.Status.Manifest.RunId, CancellationToken.None)));
        Assert.Equal(ExportRunner.SupersededErrorId, resumed.Failure?.ErrorId);
        Assert.Equal(RunState.Failed, resumed.Status.State);
        Assert.Contains("Nothing was sent", resumed.Status.Message, StringComparison.Ordinal);
        Assert.Equal(activities, api.Activities.Count);
    }

    [Fact]
    public async Task Files_without_a_header_row_are_read_with_Header_and_Delimiter()
    {
        string csv = temp.File("plain.csv");
        File.WriteAllText(csv, string.Join("\n", Enumerable.Range(0, 12).Select(i => $"p{i}@example.com|Name{i}|VIP")) + "\n");
        var request = new ExportRunRequest(Definition()) { Delimiter = '|', Header = new[] { "Email", "First", "Segments" } };
        ExportRunResult result = await RunFiles(request, csv);
        Assert.Null(result.Failure);
        Assert.Equal(12, result.Status.InputCount);
        Assert.Equal(12, result.Status.SubmittedCount);
        Assert.Equal("|", result.Status.Manifest.Delimiter);

        using ExportRunner twice = NewRunner(new ExportRunRequest(Definition()) { Header = new[] { "Email", "email" } });
        Assert.Equal("HeaderInvalid", Assert.Throws<ExportRunException>(() => twice.RunFiles(new[] { csv }, CancellationToken.None)).ErrorId);
    }

    [Fact]
    public async Task An_activity_that_stays_processing_stops_the_run_at_its_deadline_and_a_resume_finishes_it()
    {
        // Beyond the clock's drive horizon: the clock reaches the deadline only through the polls the run waits on.
        deadlineSeconds = "3600";
        api.PollsToFinish = int.MaxValue;
        string csv = Csv("in.csv", Good(0, 30));
        ExportRunResult result = await RunFiles(new ExportRunRequest(Definition()), csv);

        Assert.Equal(RunDeadline.ErrorId, result.Failure!.ErrorId);
        Assert.Equal(RunState.Stopped, result.Status.State);
        Assert.True(result.Status.IsUnfinished);
        Assert.Contains("deadline (1 h 0 min)", result.Status.Message, StringComparison.Ordinal);
        Assert.Contains("-Resume", result.Status.Message, StringComparison.Ordinal);
        int sent = api.Activities.Count;
        Assert.True(sent > 0, "the imports went out before the deadline");

        // The resume runs under the default deadline (each invocation has its own), beyond the clock's drive horizon.
        deadlineSeconds = null;
        api.PollsToFinish = 1;
        using ExportRunner resumed = NewRunner(new ExportRunRequest(Definition()));
        ExportRunResult after = await Drive(Task.Run(() => resumed.Resume(null, CancellationToken.None)));
        Assert.Null(after.Failure);
        Assert.Equal(RunState.Completed, after.Status.State);
        Assert.Equal(sent, api.Activities.Count);
    }

    [Fact]
    public void A_deadline_variable_that_is_not_a_number_of_seconds_is_refused_before_the_run_exists()
    {
        deadlineSeconds = "1h";
        string csv = Csv("in.csv", Good(0, 3));
        using ExportRunner runner = NewRunner(new ExportRunRequest(Definition()));
        Assert.Equal("RunDeadlineInvalid", Assert.Throws<ExportRunException>(() => runner.RunFiles(new[] { csv }, CancellationToken.None)).ErrorId);
        Assert.Empty(api.Activities);
    }

    [Fact]
    public async Task A_file_that_breaks_after_imports_went_out_says_what_was_sent_and_never_Nothing_was_sent()
    {
        // A run sent two imports while it staged in.csv, then died; the file has since grown a broken tail.
        string csv = Csv("in.csv", Good(0, 25));
        string runId;
        using (ExportRun first = ExportRun.Start(paths, Definition(), null, new[] { csv }, null, whatIf: false, "tester", time, new ImportBatchLimits(MaxContacts: 10)))
        {
            runId = first.RunId;
            using var stop = new CancellationTokenSource();
            first.FeedBatchesAsStaged();
            Task<RunState> sending = first.SendWhileStagingAsync(api, new RunLimits(1_000_000, 100), noWait: false, null, stop.Token);
            Assert.Equal("Nothing was sent.", first.SentSoFar());
            using (CsvProfileReader reader = CsvProfileReader.Open(csv, first.Staging.Mapping.SourceFields, new[] { "Email" }, new CsvReadOptions()))
            {
                ProfileRecord record = first.Staging.NewRecord();
                while (reader.Read(record))
                {
                    first.Staging.Add(record, out _);
                }
            }

            var guard = System.Diagnostics.Stopwatch.StartNew();
            while (api.Activities.Count < 2)
            {
                Assert.True(guard.Elapsed < TimerClock.HangGuard, "the sender never sent two imports");
                await Task.Delay(1);
            }

            stop.Cancel();
            first.AbandonFeed();
            await time.DriveAsync(sending);
            Assert.Equal(RunState.Stopped, await sending);
            Assert.Equal("20 contacts in 2 import(s) had already been sent and cannot be recalled (see the run's ActivityIds); nothing more was sent.", first.SentSoFar());
        }

        File.AppendAllText(csv, "\"" + new string('x', (1 << 20) + 16) + "\n");
        using ExportRunner runner = NewRunner(new ExportRunRequest(Definition()));
        ExportRunResult result = await Drive(Task.Run(() => runner.Resume(runId, CancellationToken.None)));

        Assert.Equal("CsvFileFieldTooLarge", result.Failure?.ErrorId);
        Assert.Equal(RunState.Failed, result.Status.State);
        Assert.Contains("20 contacts in 2 import(s) had already been sent", result.Failure!.Message);
        Assert.DoesNotContain("Nothing was sent", result.Failure.Message);
        Assert.Equal(result.Failure.Message, result.Status.Message);
        Assert.Equal(2, api.Activities.Count);
    }

    [Fact]
    public async Task A_file_that_breaks_while_imports_go_out_says_what_was_sent_as_the_API_saw_it()
    {
        // Whether an import went out before the break depends on the threads; the message must match what did.
        string csv = Csv("in.csv", Good(0, 45));
        File.AppendAllText(csv, "late@example.com," + new string('x', (1 << 20) + 16) + ",VIP\n");
        ExportRunResult result = await RunFiles(new ExportRunRequest(Definition()), csv);

        Assert.Equal("CsvFileFieldTooLarge", result.Failure?.ErrorId);
        Assert.Equal(RunState.Failed, result.Status.State);
        if (api.Activities.Count == 0)
        {
            Assert.EndsWith("Nothing was sent.", result.Failure!.Message);
        }
        else
        {
            Assert.Contains($"{api.Activities.Count * 10} contacts in {api.Activities.Count} import(s) had already been sent", result.Failure!.Message);
            Assert.DoesNotContain("Nothing was sent", result.Failure.Message);
        }
    }

    [Fact]
    public async Task A_RejectPath_that_would_destroy_a_file_or_cannot_be_written_is_refused_before_a_run_exists()
    {
        string csv = Csv("in.csv", Good(0, 5));
        string content = File.ReadAllText(csv);
        string folder = temp.File("a-folder");
        Directory.CreateDirectory(folder);
        string notes = temp.File("notes.txt");
        File.WriteAllText(notes, "my own notes\n");

        var cases = new List<(string Path, string ErrorId)>
        {
            (csv, "RejectPathIsInput"),
            (Path.Combine(folder, "..", "in.csv"), "RejectPathIsInput"),
            (notes, "RejectPathNotReport"),
            (folder, "RejectPathInvalid"),
            (Path.Combine(temp.Path, "no-such-folder", "rejects.csv"), "RejectPathInvalid"),
        };
        if (!OperatingSystem.IsWindows())
        {
            string link = temp.File("link.csv");
            File.CreateSymbolicLink(link, temp.File("elsewhere.csv"));
            cases.Add((link, "RejectPathUnsafe"));

            // A hard link is the input under another name; so is a path through a linked folder.
            string hard = temp.File("hard-link.csv");
            using (var ln = System.Diagnostics.Process.Start("ln", new[] { csv, hard }))
            {
                ln.WaitForExit();
                Assert.Equal(0, ln.ExitCode);
            }

            cases.Add((hard, "RejectPathIsInput"));
            string linkedFolder = temp.File("linked-folder");
            Directory.CreateSymbolicLink(linkedFolder, temp.Path);
            cases.Add((Path.Combine(linkedFolder, "in.csv"), "RejectPathIsInput"));
        }

        foreach ((string path, string errorId) in cases)
        {
            foreach (bool whatIf in new[] { false, true })
            {
                using ExportRunner runner = NewRunner(new ExportRunRequest(Definition()) { RejectPath = path, WouldAskBeforeSending = whatIf });
                var ex = Assert.Throws<ExportRunException>(() => runner.RunFiles(new[] { csv }, CancellationToken.None));
                Assert.True(errorId == ex.ErrorId, $"{path}: {ex.ErrorId} {ex.Message}");
                Assert.Null(runner.Run);
            }
        }

        Assert.Equal(content, File.ReadAllText(csv));
        Assert.Equal("my own notes\n", File.ReadAllText(notes));
        Assert.Empty(new RunStore(paths).RunIds());
        Assert.Equal(0, api.RequestCount);

        // An older reject report, or an empty file, is replaced.
        string report = temp.File("rejects.csv");
        File.WriteAllText(report, string.Empty);
        Assert.Null((await RunFiles(new ExportRunRequest(Definition()) { RejectPath = report }, Csv("b.csv", Good(0, 3)))).Failure);
        Assert.StartsWith("RecordNumber,", File.ReadAllText(report).TrimStart('\uFEFF'));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null((await RunFiles(new ExportRunRequest(Definition()) { RejectPath = report }, Csv("c.csv", Good(0, 3)))).Failure);
    }

    [Fact]
    public void A_run_that_fails_while_it_starts_leaves_no_run_folder_behind()
    {
        string inMissingFolder = Path.Combine(temp.Path, "gone", "rejects.csv");
        Assert.ThrowsAny<IOException>(() => ExportRun.Start(paths, Definition(), null, new[] { "pipeline" }, inMissingFolder, whatIf: false, "tester", time));
        Assert.Empty(new RunStore(paths).RunIds());
    }

    [Fact]
    public async Task Old_runs_are_pruned_only_by_a_run_that_sends_and_unfinished_ones_are_kept_10_days()
    {
        ExportDefinition definition = Definition();
        definition.RetainDays = 0;
        string csv = Csv("in.csv", Good(0, 30));

        // An unfinished run (stopped by the quota) and a completed one.
        api.Script.Enqueue(PostBehaviour.QuotaExceeded);
        string stopped = (await RunFiles(new ExportRunRequest(definition), csv)).Status.Manifest.RunId;
        time.Advance(TimeSpan.FromHours(1));
        string completed = (await RunFiles(new ExportRunRequest(definition), Csv("other.csv", Good(100, 5)))).Status.Manifest.RunId;
        Assert.Contains(stopped, new RunStore(paths).RunIds());

        // Neither -WhatIf nor a run whose input fails its checks prunes anything.
        time.Advance(TimeSpan.FromDays(1));
        observer.Answer = false;
        ExportRunResult whatIf = await RunFiles(new ExportRunRequest(definition) { WouldAskBeforeSending = true }, csv);
        Assert.Equal(RunState.WhatIf, whatIf.Status.State);
        observer.Answer = true;
        string broken = temp.File("broken.csv");
        File.WriteAllText(broken, "Email,First,Segments\n");
        Assert.Equal("InputEmpty", (await RunFiles(new ExportRunRequest(definition), broken)).Failure?.ErrorId);
        Assert.Contains(stopped, new RunStore(paths).RunIds());
        Assert.Contains(completed, new RunStore(paths).RunIds());

        // A run that sends prunes the finished runs (RetainDays 0) but not the unfinished one, idle for less than 10 days.
        time.Advance(TimeSpan.FromDays(5));
        string sent = (await RunFiles(new ExportRunRequest(definition), Csv("third.csv", Good(200, 5)))).Status.Manifest.RunId;
        Assert.Equal(new[] { stopped, sent }, new RunStore(paths).RunIds());

        // Idle for more than 10 days, it goes too: Constant Contact no longer keeps its imports' statuses.
        time.Advance(TimeSpan.FromDays(5));
        string last = (await RunFiles(new ExportRunRequest(definition), Csv("fourth.csv", Good(300, 5)))).Status.Manifest.RunId;
        Assert.Equal(new[] { last }, new RunStore(paths).RunIds());
    }

    [Fact]
    public void An_export_is_running_while_a_run_holds_its_lock_and_not_once_it_is_let_go()
    {
        Assert.False(ExportRun.IsExportRunning(paths, "news"));
        using (ExportRun run = ExportRun.Start(paths, Definition(), null, new[] { "pipeline" }, null, whatIf: false, "tester", time))
        {
            Assert.True(ExportRun.IsExportRunning(paths, "news"));
        }

        Assert.False(ExportRun.IsExportRunning(paths, "news"));

        // The look leaves the lock free: a run starts right after it.
        using ExportRun next = ExportRun.Start(paths, Definition(), null, new[] { "pipeline" }, null, whatIf: false, "tester", time);
    }

    [Fact]
    public void A_RunId_that_is_a_path_fails_RunIdInvalid()
    {
        using ExportRunner runner = NewRunner(new ExportRunRequest(Definition()));
        var ex = Assert.Throws<ExportRunException>(() => runner.Resume("../../victim", CancellationToken.None));
        Assert.Equal("RunIdInvalid", ex.ErrorId);
        Assert.Equal(RunErrorKind.InvalidArgument, ex.Kind);
    }

    [Fact]
    public async Task MaxRejectPercent_given_to_the_run_is_this_runs_and_a_share_under_1_percent_never_reads_0()
    {
        ExportRunResult overridden = await RunPiped(new ExportRunRequest(Definition()) { MaxRejectPercent = 0 }, Piped(good: 9, bad: 1));
        Assert.Contains("more than this run's MaxRejectPercent (0%)", overridden.Failure?.Message);

        ExportRunResult own = await RunPiped(new ExportRunRequest(Definition(maxRejectPercent: 0)), Piped(good: 9, bad: 1));
        Assert.Contains("1 of the 10 in-segment profiles were rejected (10%), more than the export's MaxRejectPercent (0%)", own.Failure?.Message);

        Assert.Equal("0.001%", RunLimits.Percent(1, 80001));
        Assert.Equal("0.01%", RunLimits.Percent(1, 10_000));
        Assert.Equal("0.5%", RunLimits.Percent(1, 200));
        Assert.Equal("12.5%", RunLimits.Percent(1, 8));
        Assert.Equal("0%", RunLimits.Percent(0, 8));
        Assert.NotEqual("0%", RunLimits.Percent(1, 2_000_000_000));
    }

    [Fact]
    public async Task A_file_without_a_header_is_told_to_use_Header_without_its_first_line_in_the_message()
    {
        string csv = temp.File("headerless.csv");
        File.WriteAllText(csv, "h1@example.com,Ann,VIP\nh2@example.com,Bob,VIP\n");
        ExportRunResult result = await RunFiles(new ExportRunRequest(Definition()), csv);

        Assert.Equal("MappedFieldMissing", result.Failure?.ErrorId);
        Assert.Contains("looks like data", result.Failure!.Message);
        Assert.Contains("-Header", result.Failure.Message);
        foreach (string personal in new[] { "h1@example.com", "Ann" })
        {
            Assert.DoesNotContain(personal, result.Failure.Message);
            Assert.DoesNotContain(personal, result.Status.Message);
            Assert.DoesNotContain(personal, File.ReadAllText(Path.Combine(new RunStore(paths).FolderOf(result.Status.Manifest.RunId), "journal.jsonl")));
        }

        // A header that is a header is still quoted, to show what the file has.
        string titled = temp.File("titled.csv");
        File.WriteAllText(titled, "Mail,First,Segments\nh1@example.com,Ann,VIP\n");
        ExportRunResult named = await RunFiles(new ExportRunRequest(Definition()), titled);
        Assert.Contains("'Mail', 'First', 'Segments'", named.Failure?.Message);
    }

    [Fact]
    public async Task A_quote_never_closed_fails_the_run_before_anything_is_sent_naming_its_line()
    {
        string csv = temp.File("swallow.csv");
        File.WriteAllText(csv, "Email,First,Segments\n" + string.Join("\n", Good(0, 50)) + "\nquote@example.com,\"Oops,VIP\n" + string.Join("\n", Good(50, 500)) + "\n");
        ExportRunResult result = await RunFiles(new ExportRunRequest(Definition()), csv);
        Assert.Equal("CsvFileUnclosedQuote", result.Failure?.ErrorId);
        Assert.Equal(RunState.Failed, result.Status.State);
        Assert.Contains("line 52", result.Failure!.Message);
        Assert.Contains("Nothing was sent.", result.Failure.Message);
        Assert.Equal(0, api.RequestCount);
    }

    private ExportRunner NewRunner(ExportRunRequest request) =>
        new(paths, request, observer, _ => api, time, name =>
            name == ExportRunner.BatchContactsVariable ? batchContacts : name == RunDeadline.Variable ? deadlineSeconds : null);

    /// <summary>Runs the files with Constant Contact accepting the first import and out of quota at the second: the run stops, resumable.</summary>
    private async Task<ExportRunResult> RunStoppedAfterOneImport(ExportRunRequest request, string csv)
    {
        api.Script.Enqueue(PostBehaviour.Accept);
        api.Script.Enqueue(PostBehaviour.QuotaExceeded);
        ExportRunResult stopped = await RunFiles(request, csv);
        Assert.Equal(RunState.Stopped, stopped.Status.State);
        return stopped;
    }

    private async Task<ExportRunResult> RunFiles(ExportRunRequest request, params string[] files)
    {
        observer.Clear();
        using ExportRunner runner = NewRunner(request);
        return await Drive(Task.Run(() => runner.RunFiles(files, CancellationToken.None)));
    }

    private async Task<ExportRunResult> RunPiped(ExportRunRequest request, IReadOnlyList<Action<ProfileRecord, IReadOnlyList<string>>> profiles)
    {
        observer.Clear();
        using ExportRunner runner = NewRunner(request);
        return await Drive(Task.Run(() =>
        {
            runner.StartPipeline();
            IReadOnlyList<string> fields = runner.Run!.Staging.Mapping.SourceFields;
            foreach (var fill in profiles)
            {
                ProfileRecord record = runner.NextRecord();
                fill(record, fields);
                runner.Add(record);
            }

            return runner.FinishPipeline(CancellationToken.None);
        }));
    }

    /// <summary>Moves the clock to each timer the run waits on (activity polls) until it ends.</summary>
    private async Task<ExportRunResult> Drive(Task<ExportRunResult> task)
    {
        await time.DriveAsync(task);
        return await task;
    }

    private string Csv(string name, params IEnumerable<string>[] rows)
    {
        string path = temp.File(name);
        File.WriteAllText(path, "Email,First,Segments\n" + string.Join("\n", rows.SelectMany(r => r)) + "\n", new UTF8Encoding(false));
        return path;
    }

    private static IEnumerable<string> Good(int from, int count) => Enumerable.Range(from, count).Select(i => $"person{i}@example.com,Name{i},VIP");

    private static IEnumerable<string> Bad(string email, int count) => Enumerable.Range(0, count).Select(i => $"{email},Bad{i},VIP");

    private static IEnumerable<string> Outside(int count) => Enumerable.Range(0, count).Select(i => $"out{i}@example.com,Out{i},Other");

    private static List<Action<ProfileRecord, IReadOnlyList<string>>> Piped(int good, int bad) =>
        Enumerable.Range(0, good).Select(i => Profile($"p{i}@example.com", $"P{i}", "VIP"))
            .Concat(Enumerable.Range(0, bad).Select(i => Profile("not-an-address", $"B{i}", "VIP"))).ToList();

    private static Action<ProfileRecord, IReadOnlyList<string>> Profile(string email, string first, string? segments) => (record, fields) =>
    {
        for (int i = 0; i < fields.Count; i++)
        {
            record.Values[i] = fields[i] switch
            {
                "Email" => SourceValue.FromText(email),
                "First" => SourceValue.FromText(first),
                "Segments" when segments is not null => SourceValue.FromText(segments),
                _ => SourceValue.Missing,
            };
        }
    };

    private static Action<ProfileRecord, IReadOnlyList<string>> NotAProfile() => (record, _) =>
        record.ReadIssue = new ProfileIssue(RejectReason.NotAProfile, null, "The input is a String, not a profile.");

    private sealed class Observer : IExportRunObserver
    {
        private readonly object gate = new();

        public List<string> Verbose { get; } = new();

        public List<string> Warnings { get; } = new();

        public List<RejectReason> Rejects { get; } = new();

        public int ShouldSendAsked { get; private set; }

        public void Clear()
        {
            lock (gate)
            {
                Verbose.Clear();
                Warnings.Clear();
                Rejects.Clear();
                ShouldSendAsked = 0;
            }
        }

        void IExportRunObserver.Verbose(string message)
        {
            lock (gate)
            {
                Verbose.Add(message);
            }
        }

        public void Warning(string message)
        {
            lock (gate)
            {
                Warnings.Add(message);
            }
        }

        public void StagingProgress(long profiles, double perSecond, string? source, int percent)
        {
        }

        public void StagingDone()
        {
        }

        public void SendingProgress(SenderEvent progress)
        {
        }

        public void SendingDone()
        {
        }

        public void Rejected(ProfileIssue issue, ProfileRecord record)
        {
            lock (gate)
            {
                Rejects.Add(issue.Reason);
            }
        }

        /// <summary>What ShouldProcess answers: false as under -WhatIf.</summary>
        public bool Answer { get; set; } = true;

        public string? LastAction { get; private set; }

        public bool ShouldSend(string target, string action)
        {
            LastAction = action;
            ShouldSendAsked++;
            return Answer;
        }
    }
}
