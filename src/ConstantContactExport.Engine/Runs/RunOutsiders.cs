using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Sending;
using ConstantContactExport.Engine.Sync;

namespace ConstantContactExport.Engine.Runs;

/// <summary>
/// -RemoveMissing, just before a run's first import: finds the contacts that joined the run's lists another way since
/// the export last looked, so that the export never takes them off (<see cref="SyncKept"/>). Read after the run's
/// imports, the export's own contacts would look the same, so it happens once, before any POST: a list never read is
/// read whole (a fresh list: one request); any other, its contacts updated since the list's watermark less
/// <see cref="WatermarkTolerance"/>. A contact found that the sync state does not record as the
/// export's on that list (nor as put there by an unconfirmed import of the export since the watermark) is an outsider.
/// The outcome goes to <see cref="ListReadFile.BeforeImportsName"/> in the run's folder and is journaled
/// (OutsidersRead), so that -Resume never reads again.
/// </summary>
internal static class RunOutsiders
{
    /// <summary>
    /// How far before a list's watermark the next read of it reaches. The watermark is already early: our clock when
    /// the read started plus the offset the server's Date headers show, which have whole seconds and are stamped before
    /// they reach us, so the offset errs low. This covers a difference between the clock of Constant Contact's host that
    /// stamps updated_at and the one that answers.
    /// </summary>
    internal static readonly TimeSpan WatermarkTolerance = TimeSpan.FromSeconds(3);

    public static async Task ReadBeforeImportsAsync(Storage.StoragePaths paths, string runFolder, RunStatus status, RunJournal journal, IImportApi api, TimeProvider time, Action<SenderEvent> tell, Action<string> pause, SyncState? loadedState, CancellationToken cancellationToken)
    {
        RunManifest manifest = status.Manifest;
        var marks = new DateTimeOffset?[manifest.ListIds.Count];
        var outsiders = new List<PresentEntry>();
        SyncState? state = LoadState(paths, manifest.ExportName, loadedState);
        string message;
        int requestsBefore = api.RequestCount;
        try
        {
            SyncKept kept = SyncKept.Load(SyncKept.PathOf(paths, manifest.ExportName));
            int whole = 0;
            for (int i = 0; i < manifest.ListIds.Count && i < 64; i++)
            {
                string listId = manifest.ListIds[i];
                Guid list = SyncListIds.Of(listId);
                int stateIndex = state?.ListIndex(list) ?? -1;
                DateTimeOffset? since = kept.WatermarkOf(list, state);
                whole += since is null ? 1 : 0;
                int run = i;
                marks[i] = await ReadListAsync(api, time, listId, since - WatermarkTolerance, key =>
                {
                    bool ours = (stateIndex >= 0 && state!.TryFind(key, out SyncRecord record) && (record.Lists & (1UL << stateIndex)) != 0) || kept.IsRecent(key, list);
                    if (!ours && !kept.IsOutsider(key, list))
                    {
                        outsiders.Add(new PresentEntry(key, 1UL << run));
                    }
                }, cancellationToken).ConfigureAwait(false);
            }

            message = $"{outsiders.Count} contact(s) that joined the run's list(s) another way found in {api.RequestCount - requestsBefore} request(s) ({whole} list(s) read whole); the export never removes them.";
        }
        catch (SyncStateDamagedException ex)
        {
            // The removals refuse to run beside a damaged record (RunRemover); nothing read here would be kept.
            message = $"The lists were not read: {ex.Message}";
            Array.Clear(marks, 0, marks.Length);
        }

        new ListReadFile(marks, outsiders).Save(Path.Combine(runFolder, ListReadFile.BeforeImportsName));
        journal.Record(new JournalEntry { Type = JournalEntryType.OutsidersRead, At = time.GetUtcNow(), Message = message }, status);
        tell(new SenderEvent(SenderEventKind.Verbose, message));
        pause(RunPausePoint.OutsidersRead);
    }

    /// <summary>
    /// Reads one list to its end (changed after <paramref name="updatedAfter"/>, or all), giving each contact's key;
    /// returns when the read started by the server's clock (ours plus the offset its Date headers show).
    /// </summary>
    internal static async Task<DateTimeOffset> ReadListAsync(IImportApi api, TimeProvider time, string listId, DateTimeOffset? updatedAfter, Action<ulong> each, CancellationToken cancellationToken)
    {
        DateTimeOffset started = time.GetUtcNow();
        DateTimeOffset? mark = null;
        string? next = null;
        var paging = new ContactPaging();
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            ContactPage page = await api.ListContactsPageAsync(next, listId, updatedAfter, cancellationToken).ConfigureAwait(false);
            mark ??= started + api.ServerClockOffset;
            foreach (ContactIdentity contact in page.Contacts)
            {
                each(SyncKey.For(contact.Email));
            }

            next = paging.Next(page);
        }
        while (next is not null);
        return mark.Value;
    }

    internal static SyncState? LoadState(Storage.StoragePaths paths, string exportName, SyncState? loadedState)
    {
        try
        {
            return loadedState ?? SyncStateFile.Load(SyncStateLocation.PathOf(paths, exportName));
        }
        catch (SyncStateDamagedException)
        {
            return null;
        }
    }
}
