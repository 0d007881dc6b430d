using System;
using System.Globalization;
using System.Threading;

namespace ConstantContactExport.Engine.Sending;

/// <summary>
/// How long one invocation may send and wait before it stops, resumable: 1 hour, plus 1 hour for each million
/// profiles it sends (Constant Contact takes a million in well under an hour, so this is slack, not a target).
/// <see cref="Variable"/> sets another, in seconds, for every run of the process. When it passes, every wait
/// ends (an activity that stays processing, a throttled 429 for ever, a server that fails every POST, a
/// token endpoint that never answers) and the run is journaled Stopped: Invoke-CCExport -Resume continues it
/// with a new deadline. Runs on the <see cref="TimeProvider"/>, so tests pass it on a fake clock.
/// </summary>
public sealed class RunDeadline : IDisposable
{
    public const string Variable = "CC_EXPORT_RUN_DEADLINE";
    public const string ErrorId = "RunDeadlineExceeded";

    public static readonly TimeSpan BaseAllowance = TimeSpan.FromHours(1);
    public static readonly TimeSpan PerMillionProfiles = TimeSpan.FromHours(1);

    private readonly TimeProvider time;
    private readonly CancellationTokenSource passed = new();
    private readonly ITimer timer;
    private readonly long started;
    private readonly bool fixedByVariable;

    private RunDeadline(TimeProvider time, TimeSpan allowed, bool fixedByVariable)
    {
        this.time = time;
        this.fixedByVariable = fixedByVariable;
        started = time.GetTimestamp();
        timer = time.CreateTimer(_ => Pass(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        Set(allowed);
    }

    /// <summary>How long this invocation may take, from when it began to send.</summary>
    public TimeSpan Allowed { get; private set; }

    /// <summary>Cancelled when the deadline passes.</summary>
    public CancellationToken Token => passed.Token;

    public bool Passed => passed.IsCancellationRequested;

    /// <summary>The ErrorId of what else ended the sending early (an unreadable answer), for the run's error record; null when nothing did.</summary>
    public string? StopErrorId { get; set; }

    /// <summary>The default allowance for <paramref name="profiles"/> profiles.</summary>
    public static TimeSpan For(long profiles) =>
        BaseAllowance + TimeSpan.FromTicks((long)(PerMillionProfiles.Ticks * (Math.Max(0, profiles) / 1_000_000.0)));

    /// <summary>The deadline of a run that sends <paramref name="profiles"/> (as many as known so far), or <see cref="Variable"/>'s.</summary>
    /// <exception cref="ArgumentException"><see cref="Variable"/> is not a positive whole number of seconds.</exception>
    public static RunDeadline Start(TimeProvider time, long profiles, Func<string, string?> environment)
    {
        string? value = environment(Variable);
        if (string.IsNullOrWhiteSpace(value))
        {
            return new RunDeadline(time, For(profiles), fixedByVariable: false);
        }

        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int seconds) || seconds < 1)
        {
            throw new ArgumentException($"{Variable} is '{value}'; it must be a whole number of seconds, 1 or more.");
        }

        return new RunDeadline(time, TimeSpan.FromSeconds(seconds), fixedByVariable: true);
    }

    /// <summary>Once the profile count is known (staging ended while sending): the default allowance for it, unless <see cref="Variable"/> set one.</summary>
    public void Allow(long profiles)
    {
        if (!fixedByVariable)
        {
            Set(For(profiles));
        }
    }

    /// <summary>The sentence a run stopped by the deadline ends with.</summary>
    public string Message(string whatGoesOn) => string.Format(
        CultureInfo.InvariantCulture,
        "The run's deadline ({0}) passed before Constant Contact finished: it was slow, throttling or failing (Verbose shows each request). {1}",
        Describe(Allowed), whatGoesOn);

    public void Dispose()
    {
        timer.Dispose();
        passed.Dispose();
    }

    private static string Describe(TimeSpan span) =>
        span.TotalHours >= 1 ? string.Format(CultureInfo.InvariantCulture, "{0} h {1} min", (long)span.TotalHours, span.Minutes)
        : span.TotalMinutes >= 1 ? string.Format(CultureInfo.InvariantCulture, "{0} min {1} s", span.Minutes, span.Seconds)
        : span.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s";

    private void Set(TimeSpan allowed)
    {
        Allowed = allowed;
        TimeSpan left = allowed - time.GetElapsedTime(started);
        timer.Change(left > TimeSpan.Zero ? left : TimeSpan.FromTicks(1), Timeout.InfiniteTimeSpan);
    }

    private void Pass()
    {
        try
        {
            passed.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The run ended first.
        }
    }
}
