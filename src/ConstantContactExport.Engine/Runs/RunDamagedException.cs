using System;

namespace ConstantContactExport.Engine.Runs;

/// <summary>
/// A run whose files cannot be trusted (<see cref="RunState.Damaged"/>) was to be resumed or refreshed: what it sent
/// is not known, so it is refused rather than taken as "nothing sent". The message names the file and what to do.
/// </summary>
public sealed class RunDamagedException : Exception
{
    public const string ErrorId = "RunDamaged";

    public RunDamagedException(RunStatus status)
        : base(status.Message)
    {
        RunId = status.Manifest.RunId;
    }

    public string RunId { get; }
}
