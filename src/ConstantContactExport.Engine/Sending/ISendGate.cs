using ConstantContactExport.Engine.Import;
using ConstantContactExport.Engine.Runs;

namespace ConstantContactExport.Engine.Sending;

/// <summary>What a run that sends while it stages asks before each body, and once staging has ended (see <see cref="RunLimits"/>).</summary>
public interface ISendGate
{
    /// <summary>Why <paramref name="batch"/> must not go out at all (the run then sends nothing more), or null.</summary>
    string? Refusal(ImportBatch batch, long contactsSent);

    /// <summary>True while bodies must wait: they go out once this turns false, or after staging if the run is within its limits.</summary>
    bool Hold();

    /// <summary>Set before the feed ends: the limit the whole run broke, or null to send what is left.</summary>
    RunBreach? Verdict { get; }
}
