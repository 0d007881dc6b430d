using ConstantContact.Sandbox.Contacts;

namespace ConstantContact.Sandbox.Activities;

/// <summary>What an activity does when its turn comes.</summary>
public interface IActivityWork
{
    /// <summary>
    /// Runs on the processor's thread. Reads and parses outside the database lock, then applies a chunk at a
    /// time under it, updating the activity's counts as it goes.
    /// </summary>
    void Run(Activity activity, ContactDatabase db, TimeProvider time);
}
