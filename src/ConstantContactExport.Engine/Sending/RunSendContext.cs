using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using ConstantContactExport.Engine.Runs;

namespace ConstantContactExport.Engine.Sending;

/// <summary>What the sender needs of a run: its status, its journal, its bodies, and the machine's other runs.</summary>
/// <param name="Status">The run, replayed from its journal.</param>
/// <param name="Journal">The journal to append to.</param>
/// <param name="BatchPath">The body file of a batch.</param>
/// <param name="ClaimedActivityIds">Activity ids that journals on this machine already claim (this run's included).</param>
/// <param name="AcquireImportLock">Takes the home's import lock (cross-process, every run in this home, whatever its
/// connection) for one POST and its check.</param>
/// <param name="ProbeEmailsOf">Addresses of a few of a batch's contacts spread through its body (first, last and some
/// between), to check a lost answer's import against; empty when the body cannot be read.</param>
/// <param name="Removal">-RemoveMissing: the removals, run once the imports completed (<see cref="RunRemover"/>); null for none.</param>
/// <param name="BeforeFirstImport">-RemoveMissing: run once before the run's first import POST (<see cref="RunOutsiders"/>); null for none.</param>
public sealed record RunSendContext(
    RunStatus Status,
    RunJournal Journal,
    Func<int, string> BatchPath,
    Func<ISet<string>> ClaimedActivityIds,
    Func<CancellationToken, Task<IDisposable>> AcquireImportLock,
    Func<int, IReadOnlyList<string>> ProbeEmailsOf,
    Func<IImportApi, Action<SenderEvent>, CancellationToken, Task<RemovalOutcome>>? Removal = null,
    Func<IImportApi, Action<SenderEvent>, CancellationToken, Task>? BeforeFirstImport = null);
