using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
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
/// (OutsidersRead), so that -Resume reads again only when the run sent nothing yet (what joined while it was stopped).
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
        var warnings = new List<string>();
        string message;
        int requestsBefore = api.RequestCount;
        try
        {
            SyncKept kept = SyncKept.Load(SyncKept.PathOf(paths, manifest.ExportName));
            (ulong SentTo, ulong WithIds)? stateLists = null;
            int whole = 0;
            for (int i = 0; i < manifest.ListIds.Count && i < 64; i++)
            {
                string listId = manifest.ListIds[i];
                Guid list = SyncListIds.Of(listId);
                int stateIndex = state?.ListIndex(list) ?? -1;
                DateTimeOffset? since = kept.WatermarkOf(list, state);
                whole += since is null ? 1 : 0;

                // Never read, yet the state has the export's contacts on it: it sent there before it first looked, so
                // what it sent cannot be told from what joined another way. Everything on the list now is kept.
                ulong bit = stateIndex is >= 0 and < 64 ? 1UL << stateIndex : 0;
                stateLists ??= since is null && bit != 0 ? ListsOf(state!) : null;
                bool keepAll = since is null && bit != 0 && (stateLists!.Value.SentTo & bit) != 0;
                int onList = 0;
                int run = i;
                marks[i] = await ReadListAsync(api, time, listId, since - WatermarkTolerance, key =>
                {
                    onList++;
                    bool ours = !keepAll && ((stateIndex >= 0 && state!.TryFind(key, out SyncRecord record) && (record.Lists & (1UL << stateIndex)) != 0) || kept.IsRecent(key, list));
                    if (!ours && !kept.IsOutsider(key, list))
                    {
                        outsiders.Add(new PresentEntry(key, 1UL << run));
                    }
                }, cancellationToken).ConfigureAwait(false);
                if (keepAll)
                {
                    string warning = KeptAllWarning(manifest.ListLabel(listId), onList, (stateLists!.Value.WithIds & bit) != 0);
                    warnings.Add(warning);
                    tell(new SenderEvent(SenderEventKind.Warning, warning));
                }
            }

            message = $"{outsiders.Count} contact(s) that joined the run's list(s) another way found in {api.RequestCount - requestsBefore} request(s) ({whole} list(s) read whole); the export never removes them.";
            message = warnings.Count == 0 ? message : message + " " + string.Join(" ", warnings);
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
    /// The run lists never read (no watermark) while the state has the export's contacts on them: a run that sent
    /// nothing (so did not read before an import) must read them before its removals, or take every such contact for
    /// its own; their first read keeps everything on them, so -WhatIf shows no removal from them.
    /// </summary>
    internal static IReadOnlyList<string> SentToBeforeRead(Storage.StoragePaths paths, RunManifest manifest, SyncState? state)
    {
        if (state is null || state.Count == 0)
        {
            return Array.Empty<string>();
        }

        SyncKept kept;
        try
        {
            kept = SyncKept.Load(SyncKept.PathOf(paths, manifest.ExportName));
        }
        catch (SyncStateDamagedException)
        {
            return Array.Empty<string>(); // the removals refuse to run beside it
        }

        ulong sentTo = ListsOf(state).SentTo;
        return manifest.ListIds.Take(64).Where(id =>
        {
            Guid list = SyncListIds.Of(id);
            return state.ListIndex(list) is >= 0 and < 64 and int index && (sentTo & (1UL << index)) != 0 && kept.WatermarkOf(list, state) is null;
        }).ToList();
    }

    /// <summary>
    /// The export's kept record with the outsiders this run's read before its imports found (<see cref="ListReadFile.BeforeImportsName"/>),
    /// which the run records into it only at its end: its removals must not take them off either. Its watermarks stay as they are.
    /// </summary>
    internal static SyncKept WithReadBefore(SyncKept kept, SyncState? state, string runFolder, IReadOnlyList<string> listIds)
    {
        ListReadFile? before = ListReadFile.TryRead(Path.Combine(runFolder, ListReadFile.BeforeImportsName));
        if (before is null || before.Outsiders.Count == 0)
        {
            return kept;
        }

        var found = new List<(ulong Key, Guid List)>();
        foreach (PresentEntry entry in before.Outsiders)
        {
            for (int i = 0; i < listIds.Count && i < 64; i++)
            {
                if ((entry.Lists & (1UL << i)) != 0)
                {
                    found.Add((entry.Key, SyncListIds.Of(listIds[i])));
                }
            }
        }

        return kept.With(state, SyncKept.PairOf(state), new Dictionary<Guid, DateTimeOffset>(), found, new Dictionary<Guid, IReadOnlyCollection<ulong>>());
    }

    /// <summary>
    /// The state's lists that have records (bit i: <see cref="SyncState.Lists"/>[i]) and those with a record that has a
    /// contact id, which only -RemoveMissing runs learn: a state made under it whose list was never read lost its kept record.
    /// </summary>
    private static (ulong SentTo, ulong WithIds) ListsOf(SyncState state)
    {
        ulong sentTo = 0;
        ulong withIds = 0;
        foreach (SyncRecord record in state.Records)
        {
            sentTo |= record.Lists;
            withIds |= record.HasContactId ? record.Lists : 0;
        }

        return (sentTo, withIds);
    }

    private static string KeptAllWarning(string list, int count, bool keptRecordLost)
    {
        string why = keptRecordLost
            ? $"the export's record of the contacts that joined list {list} another way ({SyncKept.FileName}) is missing, though its sync state was made under -RemoveMissing (the file was deleted, or a restore brought back {SyncStateLocation.FileName} only)"
            : $"the export had sent to list {list} before -RemoveMissing read it";
        return $"{char.ToUpperInvariant(why[0])}{why.Substring(1)}: it cannot tell the contacts it sent from those that joined another way, so the {count} contact(s) on the list now are kept, never removed; contacts it sends from now on that leave the segment are removed. To have the list equal to its segment, give the export a new list.";
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
