using System;
using System.Globalization;
using ConstantContactExport.Engine.Import;
using ConstantContactExport.Engine.Sending;
using ConstantContactExport.Engine.Staging;

namespace ConstantContactExport.Engine.Runs;

/// <summary>
/// The two limits a run keeps, decided here and nowhere else: MaxProfiles (the most contacts one run sends) and
/// MaxRejectPercent (the share of in-segment profiles that may be rejected). The runner asks before it sends while
/// staging (<see cref="MayStream"/>), the sender asks before each body it sends while staging (<see cref="ISendGate"/>),
/// and the runner asks once staging has ended (<see cref="Check"/>).
/// </summary>
public sealed class RunLimits : ISendGate
{
    public const int DefaultMaxRejectPercent = 10;

    private readonly ExportLedger? live;
    private readonly string whose;
    private volatile RunBreach? verdict;

    /// <param name="maxProfiles">The most contacts the run may send.</param>
    /// <param name="maxRejectPercent">0 to 100.</param>
    /// <param name="live">The staging's ledger, read while the run sends as it stages (it may lag by a profile).</param>
    /// <param name="overridden">MaxRejectPercent is this run's (Invoke-CCExport -MaxRejectPercent), not the export's.</param>
    public RunLimits(long maxProfiles, int maxRejectPercent, ExportLedger? live = null, bool overridden = false)
    {
        if (maxRejectPercent is < 0 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(maxRejectPercent), maxRejectPercent, "MaxRejectPercent is a share from 0 to 100.");
        }

        MaxProfiles = maxProfiles;
        MaxRejectPercent = maxRejectPercent;
        this.live = live;
        whose = overridden ? "this run's" : "the export's";
    }

    public long MaxProfiles { get; }

    public int MaxRejectPercent { get; }

    /// <summary>The verdict once staging has ended (null: within both limits); set by the runner before the feed ends.</summary>
    public RunBreach? Verdict
    {
        get => verdict;
        set => verdict = value;
    }

    /// <summary>True when input of at most <paramref name="mostProfiles"/> profiles cannot take the run past MaxProfiles, so bodies may go out as they are staged.</summary>
    public bool MayStream(long mostProfiles) => mostProfiles <= MaxProfiles;

    /// <summary>True when more than MaxRejectPercent of the in-segment profiles (Invalid ones included) were rejected.</summary>
    public bool RejectShareOver(long invalid, long inSegment) => inSegment > 0 && invalid * 100 > MaxRejectPercent * inSegment;

    /// <summary>The limit a staged run breaks, MaxProfiles first; null when it keeps both.</summary>
    /// <param name="ledger">The staged run's counts.</param>
    /// <param name="rejectPath">The run's reject report, named in RejectLimitExceeded's message (the failed run's object is only on the error).</param>
    public RunBreach? Check(ExportLedger ledger, string? rejectPath = null)
    {
        if (ledger.SubmittedCount > MaxProfiles)
        {
            return new RunBreach(RunBreach.MaxProfilesExceeded,
                $"The run would send {ledger.SubmittedCount} profiles, more than the export's MaxProfiles ({MaxProfiles}).");
        }

        long inSegment = ledger.InputCount - ledger.OutOfSegmentCount;
        if (RejectShareOver(ledger.InvalidCount, inSegment))
        {
            return new RunBreach(RunBreach.RejectLimitExceeded, string.Format(
                CultureInfo.InvariantCulture,
                "{0} of the {1} in-segment profiles were rejected ({2}), more than {3} MaxRejectPercent ({4}%): the input is probably broken. {5}",
                ledger.InvalidCount, inSegment, Percent(ledger.InvalidCount, inSegment), whose, MaxRejectPercent,
                string.IsNullOrEmpty(rejectPath) ? "The reject report says why each one was rejected." : $"The reject report, {rejectPath}, says why each one was rejected."));
        }

        return null;
    }

    /// <summary>
    /// A share for a message: "12.5%", and a share under 1% with as many decimals as it takes not to read 0%
    /// ("0.001%"), so that a reject that breaks MaxRejectPercent 0 never looks like none.
    /// </summary>
    public static string Percent(long part, long whole)
    {
        double share = whole > 0 ? part * 100.0 / whole : 0;
        if (share <= 0 || share >= 1)
        {
            return share.ToString("0.#", CultureInfo.InvariantCulture) + "%";
        }

        int decimals = 1;
        while (decimals < 10 && Math.Round(share, decimals) == 0)
        {
            decimals++;
        }

        return share.ToString("0." + new string('#', decimals), CultureInfo.InvariantCulture) + "%";
    }

    /// <inheritdoc/>
    public string? Refusal(ImportBatch batch, long contactsSent) =>
        contactsSent + batch.ContactCount > MaxProfiles
            ? $"The input grew while it was read: batch {batch.Number} would take the run past the export's MaxProfiles ({MaxProfiles})."
            : null;

    /// <inheritdoc/>
    public bool Hold() => live is not null && RejectShareOver(live.InvalidCount, live.InputCount - live.OutOfSegmentCount);
}

/// <summary>A limit a run broke: a stable ErrorId and a sentence.</summary>
public sealed record RunBreach(string ErrorId, string Message)
{
    public const string MaxProfilesExceeded = nameof(MaxProfilesExceeded);
    public const string RejectLimitExceeded = nameof(RejectLimitExceeded);
}
