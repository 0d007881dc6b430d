namespace ConstantContact.Sandbox.Activities;

/// <summary>The states the sandbox uses; the real API also has cancelled, failed and timed_out.</summary>
public enum ActivityState
{
    Initialized,
    Processing,
    Completed,
}
