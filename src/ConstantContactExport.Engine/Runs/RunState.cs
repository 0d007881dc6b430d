namespace ConstantContactExport.Engine.Runs;

/// <summary>Where a run stands. The first six are the product's states; Staging and Sending are in progress.</summary>
public enum RunState
{
    /// <summary>Profiles are being staged (or the process died while staging).</summary>
    Staging,

    /// <summary>Bodies are being submitted or activities polled (or the process died meanwhile).</summary>
    Sending,

    /// <summary>-WhatIf: staged, nothing sent.</summary>
    WhatIf,

    /// <summary>-NoWait: every batch submitted; activities not yet complete.</summary>
    Submitted,

    /// <summary>Every activity completed with no errors.</summary>
    Completed,

    /// <summary>Every activity completed, some with errors or contacts that could not be added.</summary>
    CompletedWithErrors,

    /// <summary>The run could not go on (an activity failed, the input was over MaxProfiles, a request was refused).</summary>
    Failed,

    /// <summary>Stopped part way (Ctrl+C, the daily quota); -Resume continues it.</summary>
    Stopped,

    /// <summary>
    /// Never journaled: the run's files cannot be trusted (run.json unreadable, a journal damaged, emptied or cut
    /// short of what it had recorded). What was sent is not known, so it is never resumed; Message says why.
    /// </summary>
    Damaged,
}
