using System.Linq;
using BenchmarkDotNet.Attributes;
using ConstantContactExport.Engine.Profiles;

namespace ConstantContactExport.Benchmarks.Micro;

/// <summary>
/// EmailAddressValidator.Validate, per address: each kind of address alone, and a mix of 1,000 in the proportions of
/// the sample profiles (mostly already normalized) with a few of every rarer kind, IDN and punycode domains included.
/// </summary>
[MemoryDiagnoser]
public class EmailValidationBenchmarks
{
    private const int Count = 1000;

    // Already normalized: returned as given, nothing allocated.
    private static readonly string[] Plain = Many(i => $"person{i}@example.com");

    // Spaces round it and an upper-case domain: trimmed and lowered into a new string.
    private static readonly string[] ToNormalize = Many(i => $" PERSON{i}@EXAMPLE.COM ");

    // A non-ASCII domain: UTS-46 to punycode through IdnMapping.
    private static readonly string[] Idn = Many(i => $"jose{i}@bücher-{i % 10}.example");

    // An xn-- domain: decoded and encoded again to check it is canonical.
    private static readonly string[] Punycode = Many(i => $"jose{i}@xn--bcher-kva.example");

    private static readonly string[] Invalid = Many(i => new[]
    {
        "no-at-sign.example.com", "two@@example.com", "trailing-dot@example.com.", "space in@example.com", "user@localhost", "@example.com",
    }[i % 6]);

    // 85% plain, 5% to normalize, 5% invalid, 3% plain with an upper-case subdomain, 1% IDN, 1% punycode.
    private static readonly string[] Mix = Enumerable.Range(0, Count).Select(i => (i % 100) switch
    {
        < 85 => Plain[i],
        < 90 => ToNormalize[i],
        < 95 => Invalid[i],
        < 98 => $"first.last+tag{i}@Mail.Example.org",
        < 99 => Idn[i],
        _ => Punycode[i],
    }).ToArray();

    [Benchmark(OperationsPerInvoke = Count)]
    public int Mixed() => Validate(Mix);

    [Benchmark(OperationsPerInvoke = Count)]
    public int Normalized_ascii() => Validate(Plain);

    [Benchmark(OperationsPerInvoke = Count)]
    public int Trim_and_lower() => Validate(ToNormalize);

    [Benchmark(OperationsPerInvoke = Count)]
    public int Invalid_forms() => Validate(Invalid);

    [Benchmark(OperationsPerInvoke = Count)]
    public int Idn_domain() => Validate(Idn);

    [Benchmark(OperationsPerInvoke = Count)]
    public int Punycode_domain() => Validate(Punycode);

    private static int Validate(string[] addresses)
    {
        int valid = 0;
        foreach (string address in addresses)
        {
            if (EmailAddressValidator.Validate(address).IsValid)
            {
                valid++;
            }
        }

        return valid;
    }

    private static string[] Many(System.Func<int, string> make) => Enumerable.Range(0, Count).Select(make).ToArray();
}
