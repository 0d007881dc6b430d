namespace ConstantContact.Sandbox.Contacts;

/// <summary>Times as the API shows them: UTC, to the millisecond.</summary>
public static class Timestamps
{
    public static DateTime Now(TimeProvider time)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
    }
}
