using ConstantContact.Sandbox.Faults;

namespace ConstantContact.Sandbox.Inspection;

/// <summary>What the inspection API reports about the traffic: counted on /v3 and /oauth2, not on /__sandbox.</summary>
public sealed class RequestStatistics
{
    private readonly object _gate = new();
    private readonly SortedDictionary<string, long> _byRoute = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long> _faults = new(StringComparer.Ordinal);
    private long _total;
    private long _throttled;
    private long _maxRequestBytes;
    private int _maxContacts;

    public RequestStatistics()
    {
        foreach (var kind in FaultKindNames.All)
        {
            _faults[FaultKindNames.Name(kind)] = 0;
        }
    }

    public void CountRequest(string route)
    {
        lock (_gate)
        {
            _total++;
            _byRoute[route] = _byRoute.GetValueOrDefault(route) + 1;
        }
    }

    public void CountRequestBytes(long bytes)
    {
        lock (_gate)
        {
            _maxRequestBytes = Math.Max(_maxRequestBytes, bytes);
        }
    }

    public void CountContactsInRequest(int contacts)
    {
        lock (_gate)
        {
            _maxContacts = Math.Max(_maxContacts, contacts);
        }
    }

    public void CountThrottled()
    {
        lock (_gate)
        {
            _throttled++;
        }
    }

    public void CountFault(FaultKind kind)
    {
        lock (_gate)
        {
            _faults[FaultKindNames.Name(kind)]++;
        }
    }

    public RequestStatisticsSnapshot Snapshot()
    {
        lock (_gate)
        {
            return new RequestStatisticsSnapshot(
                _total, new SortedDictionary<string, long>(_byRoute, StringComparer.Ordinal), _throttled,
                _maxRequestBytes, _maxContacts, new SortedDictionary<string, long>(_faults, StringComparer.Ordinal));
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
