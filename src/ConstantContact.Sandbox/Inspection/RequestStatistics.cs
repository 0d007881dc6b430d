using ConstantContact.Sandbox.Faults;

namespace ConstantContact.Sandbox.Inspection;

/// <summary>What the inspection API reports about the traffic: counted on /v3 and /oauth2, not on /__sandbox.</summary>
public sealed class RequestStatistics
{
    private readonly object gate = new();
    private readonly SortedDictionary<string, long> byRoute = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long> faults = new(StringComparer.Ordinal);
    private long total;
    private long throttled;
    private long maxRequestBytes;
    private int maxContacts;

    public RequestStatistics()
    {
        foreach (var kind in FaultKindNames.All)
        {
            this.faults[FaultKindNames.Name(kind)] = 0;
        }
    }

    public void CountRequest(string route)
    {
        lock (gate)
        {
            total++;
            byRoute[route] = byRoute.GetValueOrDefault(route) + 1;
        }
    }

    public void CountRequestBytes(long bytes)
    {
        lock (gate)
        {
            maxRequestBytes = Math.Max(maxRequestBytes, bytes);
        }
    }

    public void CountContactsInRequest(int contacts)
    {
        lock (gate)
        {
            maxContacts = Math.Max(maxContacts, contacts);
        }
    }

    public void CountThrottled()
    {
        lock (gate)
        {
            throttled++;
        }
    }

    public void CountFault(FaultKind kind)
    {
        lock (gate)
        {
            faults[FaultKindNames.Name(kind)]++;
        }
    }

    public RequestStatisticsSnapshot Snapshot()
    {
        lock (gate)
        {
            return new RequestStatisticsSnapshot(
                total, new SortedDictionary<string, long>(byRoute, StringComparer.Ordinal), throttled,
                maxRequestBytes, maxContacts, new SortedDictionary<string, long>(faults, StringComparer.Ordinal));
        }
    }
}

public sealed record RequestStatisticsSnapshot(
    long Total,
    SortedDictionary<string, long> ByRoute,
    long Throttled,
    long MaxRequestBytes,
    int MaxContactsInRequest,
    SortedDictionary<string, long> Faults);
