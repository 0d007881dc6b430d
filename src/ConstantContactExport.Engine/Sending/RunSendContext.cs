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
/// <param name="AcquireImportLock">Takes the account's import lock (cross-process, every connection to the account in
/// this home) for one POST and its check; the account id is null when it cannot be known, and that lock is then one
/// for every such connection.</param>
public sealed record RunSendContext(
    RunStatus Status,
    RunJournal Journal,
    Func<int, string> BatchPath,
    Func<ISet<string>> ClaimedActivityIds,
    Func<string?, CancellationToken, Task<IDisposable>> AcquireImportLock);
