namespace ConstantContact.Sandbox.Activities;

/// <summary>An activity's states, as the API lists them (the last four are final).</summary>
public enum ActivityState
{
    Initialized,
    Processing,
    Completed,
    Cancelled,
    Failed,
    TimedOut,
}
