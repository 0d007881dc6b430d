using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using ConstantContactExport.Engine.Profiles;
using CsCheck;

namespace ConstantContactExport.Engine.Tests.Profiles;

public sealed class EmailAddressValidatorTests
{
    /// <summary>
    /// Corpus rows where the product's stated policy (docs/email-validation.md) gives another verdict than the
    /// corpus. Each one is checked to be in the corpus, to still differ, and to get exactly the policy's result,
    /// so an exception that stops being needed fails the build instead of hiding.
    /// </summary>
    public static readonly IReadOnlyList<PolicyException> PolicyExceptions = new PolicyException[]
    {
        // Trimming: white space around an address is dropped, unless it is a control character.
        new("\u2005x@example.com", EmailCaseCorpus.Consensus, "x@example.com", EmailRejectReason.None,
            "a leading U+2005 FOUR-PER-EM SPACE is trimmed (line 289)"),
        new("\u2028x@example.com", EmailCaseCorpus.Consensus, "x@example.com", EmailRejectReason.None,
            "a leading U+2028 LINE SEPARATOR is trimmed (line 291)"),
        new(" test@iana.org", EmailCaseCorpus.RfcOnly, "test@iana.org", EmailRejectReason.None,
            "a leading space is trimmed (line 156)"),
        new("test@iana.org ", EmailCaseCorpus.RfcOnly, "test@iana.org", EmailRejectReason.None,
            "a trailing space is trimmed (line 157)"),

        // 80 characters: Constant Contact's limit; the corpus allows RFC 5321's 254.
        new(new string('a', 64) + "@" + new string('a', 63) + ".com", EmailCaseCorpus.Consensus, null, EmailRejectReason.TooLong,
            "132 characters (line 434)"),
        new("the-character-limit@for-each-part.of-the-domain.is-sixty-three-characters.this-is-exactly-sixty-three-characters-so-it-is-valid-blah-blah.com",
            EmailCaseCorpus.Consensus, null, EmailRejectReason.TooLong, "141 characters (line 353)"),
        new("the-total-length@of-an-entire-address.cannot-be-longer-than-two-hundred-and-fifty-six-characters.and-this-address-is-256-characters-exactly.so-it-should-be-valid.and-im-going-to-add-some-more-words-here.to-increase-the-length-blah-blah-blah-blah-blah.org",
            EmailCaseCorpus.Consensus, null, EmailRejectReason.TooLong, "254 characters (line 354)"),
        new("valid@" + new string('a', 60) + "." + new string('b', 60) + "." + new string('c', 60) + "." + new string('d', 61) + ".com",
            EmailCaseCorpus.Consensus, null, EmailRejectReason.TooLong, "254 characters (line 316)"),
        new(new string('a', 64) + "@" + new string('a', 45) + "." + new string('b', 46) + "." + new string('c', 45) + "." + new string('d', 46) + ".com",
            EmailCaseCorpus.Consensus, null, EmailRejectReason.TooLong, "254 characters (line 317)"),
        new("abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghiklm@"
            + "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghikl.abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghikl."
            + "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghi",
            EmailCaseCorpus.Consensus, null, EmailRejectReason.TooLong, "254 characters (line 39)"),
    };

    /// <summary>The CONTESTED rows that are not EAI local parts, with the project's verdict (docs/email-validation.md).</summary>
    public static readonly IReadOnlyList<PolicyException> ContestedDecisions = new PolicyException[]
    {
        new("test@iana.a", EmailCaseCorpus.Contested, null, EmailRejectReason.InvalidDomain, "a one-letter top-level domain does not exist"),
        new("single-character-tld@ns.i", EmailCaseCorpus.Contested, null, EmailRejectReason.InvalidDomain, "a one-letter top-level domain does not exist"),
        new("z@co.c", EmailCaseCorpus.Contested, null, EmailRejectReason.InvalidDomain, "a one-letter top-level domain does not exist"),
        new("a@" + string.Join(".", Enumerable.Repeat("a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z", 4)) + ".a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v",
            EmailCaseCorpus.Contested, null, EmailRejectReason.InvalidDomain, "a one-letter top-level domain (and 253 characters)"),
        new("somename@\uFF47\uFF4D\uFF41\uFF49\uFF4C.com", EmailCaseCorpus.Contested, "somename@gmail.com", EmailRejectReason.None,
            "a full-width domain is mapped to ASCII by UTS-46, as browsers do"),
    };

    public static TheoryData<string> PolicyExceptionAddresses => new(PolicyExceptions.Select(e => e.Address));

    public static TheoryData<string> ContestedDecisionAddresses => new(ContestedDecisions.Select(e => e.Address));

    [Fact]
    public void The_corpus_has_the_shape_its_README_describes()
    {
        IReadOnlyList<EmailCase> cases = EmailCaseCorpus.Cases;
        Assert.Equal(557, cases.Count);
        Assert.Equal(string.Empty, cases[0].Address);
        Assert.Equal(377, EmailCaseCorpus.Tagged(EmailCaseCorpus.Consensus).Count());
        Assert.Equal(149, EmailCaseCorpus.Tagged(EmailCaseCorpus.RfcOnly).Count());
        Assert.Equal(31, EmailCaseCorpus.Tagged(EmailCaseCorpus.Contested).Count());
        Assert.Equal(557, cases.Select(c => c.Address).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Consensus_rows_agree_except_the_named_policy_exceptions()
    {
        var exceptions = new HashSet<string>(PolicyExceptions.Select(e => e.Address), StringComparer.Ordinal);
        var mismatches = new List<string>();
        int checkedRows = 0;
        foreach (EmailCase row in EmailCaseCorpus.Tagged(EmailCaseCorpus.Consensus))
        {
            if (exceptions.Contains(row.Address))
            {
                continue;
            }

            checkedRows++;
            EmailValidationResult result = EmailAddressValidator.Validate(row.Address);
            if (result.IsValid != row.ExpectedValid)
            {
                mismatches.Add($"{row} -> {result.Reason} {EmailCaseCorpus.Show(result.Normalized)}");
            }
        }

        Assert.True(mismatches.Count == 0, $"{mismatches.Count} CONSENSUS rows disagree:\n{string.Join("\n", mismatches)}");
        Assert.Equal(377 - PolicyExceptions.Count(e => e.Tag == EmailCaseCorpus.Consensus), checkedRows);
    }

    [Fact]
    public void Rfc_only_rows_are_invalid_except_the_named_policy_exceptions()
    {
        var exceptions = new HashSet<string>(PolicyExceptions.Select(e => e.Address), StringComparer.Ordinal);
        List<string> accepted = EmailCaseCorpus.Tagged(EmailCaseCorpus.RfcOnly)
            .Where(row => !exceptions.Contains(row.Address) && EmailAddressValidator.Validate(row.Address).IsValid)
            .Select(row => row.ToString())
            .ToList();

        Assert.True(accepted.Count == 0, $"RFC-ONLY rows accepted:\n{string.Join("\n", accepted)}");
        Assert.All(EmailCaseCorpus.Tagged(EmailCaseCorpus.RfcOnly), row => Assert.False(row.ExpectedValid, row.ToString()));
    }

    [Theory]
    [MemberData(nameof(PolicyExceptionAddresses))]
    public void Each_policy_exception_is_in_the_corpus_still_differs_and_follows_the_policy(string address)
    {
        PolicyException exception = PolicyExceptions.Single(e => e.Address == address);
        EmailCase row = Assert.Single(EmailCaseCorpus.Cases, c => c.Address == address);
        Assert.Equal(exception.Tag, row.Tag);

        EmailValidationResult result = EmailAddressValidator.Validate(address);
        Assert.NotEqual(row.ExpectedValid, result.IsValid);
        Assert.Equal(exception.Reason, result.Reason);
        Assert.Equal(exception.Normalized, result.Normalized);
    }

    [Fact]
    public void Contested_eai_local_parts_are_refused_as_NonAsciiLocalPart()
    {
        List<EmailCase> eai = EmailCaseCorpus.Tagged(EmailCaseCorpus.Contested).Where(c => c.Note.Contains("EAI:")).ToList();
        Assert.Equal(26, eai.Count);
        var wrong = eai
            .Select(row => (row, result: EmailAddressValidator.Validate(row.Address)))
            .Where(x => x.result.Reason != EmailRejectReason.NonAsciiLocalPart)
            .Select(x => $"{x.row} -> {x.result.Reason}")
            .ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Theory]
    [MemberData(nameof(ContestedDecisionAddresses))]
    public void Other_contested_rows_follow_the_documented_decision(string address)
    {
        PolicyException decision = ContestedDecisions.Single(e => e.Address == address);
        EmailCase row = Assert.Single(EmailCaseCorpus.Cases, c => c.Address == address);
        Assert.Equal(EmailCaseCorpus.Contested, row.Tag);
        Assert.DoesNotContain("EAI:", row.Note);

        EmailValidationResult result = EmailAddressValidator.Validate(address);
        Assert.Equal(decision.Reason, result.Reason);
        Assert.Equal(decision.Normalized, result.Normalized);
    }

    [Fact]
    public void Every_contested_row_has_a_decision()
    {
        var decided = new HashSet<string>(ContestedDecisions.Select(d => d.Address), StringComparer.Ordinal);
        List<string> undecided = EmailCaseCorpus.Tagged(EmailCaseCorpus.Contested)
            .Where(row => !row.Note.Contains("EAI:") && !decided.Contains(row.Address))
            .Select(row => row.ToString())
            .ToList();
        Assert.True(undecided.Count == 0, string.Join("\n", undecided));
    }

    public static TheoryData<string?, EmailRejectReason> ReasonCases => new()
    {
        { null, EmailRejectReason.Empty },
        { "", EmailRejectReason.Empty },
        { "   ", EmailRejectReason.Empty },
        { "\u00A0\u2006\u3000", EmailRejectReason.Empty },
        { "\t", EmailRejectReason.Empty },
        { " \r\n ", EmailRejectReason.Empty },

        { "john.smith", EmailRejectReason.MissingAt },
        { "hello\uFF20example.com", EmailRejectReason.MissingAt },
        { "John Smith", EmailRejectReason.MissingAt },

        { "a@b@example.com", EmailRejectReason.MultipleAt },
        { "a@example.com b@example.com", EmailRejectReason.MultipleAt },
        { "\"a@b\"@example.com", EmailRejectReason.MultipleAt },

        { "test@iana.org\n", EmailRejectReason.InvalidCharacters },
        { "\ttest@iana.org", EmailRejectReason.InvalidCharacters },
        { "test@iana.org\r\n", EmailRejectReason.InvalidCharacters },
        { "test@iana.org\u0085", EmailRejectReason.InvalidCharacters },
        { "te\u0000st@iana.org", EmailRejectReason.InvalidCharacters },
        { "te\u007Fst@iana.org", EmailRejectReason.InvalidCharacters },
        { "john smith@example.com", EmailRejectReason.InvalidCharacters },
        { "John Smith <john@example.com>", EmailRejectReason.InvalidCharacters },
        { "john\u00A0smith@example.com", EmailRejectReason.InvalidCharacters },
        { "john@exam ple.com", EmailRejectReason.InvalidCharacters },
        { "\u200Bx@example.com", EmailRejectReason.InvalidCharacters },
        { "\uFEFFx@example.com", EmailRejectReason.InvalidCharacters },
        { "x@exam\u00ADple.com", EmailRejectReason.InvalidCharacters },
        { "\u202Dx\u202E@example.com", EmailRejectReason.InvalidCharacters },
        { "x\uE000@example.com", EmailRejectReason.InvalidCharacters },
        { "x\uDB80\uDC00@example.com", EmailRejectReason.InvalidCharacters },
        { "x\uD800@example.com", EmailRejectReason.InvalidCharacters },
        { "x\uDC00y@example.com", EmailRejectReason.InvalidCharacters },
        { "x@example.com\uFFFD", EmailRejectReason.InvalidCharacters },

        { "@example.com", EmailRejectReason.InvalidLocalPart },
        { ".john@example.com", EmailRejectReason.InvalidLocalPart },
        { "john.@example.com", EmailRejectReason.InvalidLocalPart },
        { "john..smith@example.com", EmailRejectReason.InvalidLocalPart },
        { ".@example.com", EmailRejectReason.InvalidLocalPart },
        { "\"john\"@example.com", EmailRejectReason.InvalidLocalPart },
        { "(comment)john@example.com", EmailRejectReason.InvalidLocalPart },
        { "<john@example.com>", EmailRejectReason.InvalidLocalPart },
        { "john\\smith@example.com", EmailRejectReason.InvalidLocalPart },
        { "john,smith@example.com", EmailRejectReason.InvalidLocalPart },
        { "john;smith@example.com", EmailRejectReason.InvalidLocalPart },
        { "\"j\u00F6hn\"@example.com", EmailRejectReason.InvalidLocalPart },

        { "\u00F1o\u00F1o@example.com", EmailRejectReason.NonAsciiLocalPart },
        { "\u7528\u6237@\u4F8B\u5B50.\u5E7F\u544A", EmailRejectReason.NonAsciiLocalPart },
        { "\uFF4A\uFF4F\uFF48\uFF4E@example.com", EmailRejectReason.NonAsciiLocalPart },

        { new string('a', 65) + "@example.com", EmailRejectReason.LocalPartTooLong },

        { "john@", EmailRejectReason.InvalidDomain },
        { "john@localhost", EmailRejectReason.InvalidDomain },
        { "john@example", EmailRejectReason.InvalidDomain },
        { "john@-example.com", EmailRejectReason.InvalidDomain },
        { "john@example-.com", EmailRejectReason.InvalidDomain },
        { "john@example..com", EmailRejectReason.InvalidDomain },
        { "john@.example.com", EmailRejectReason.InvalidDomain },
        { "john@example.com.", EmailRejectReason.InvalidDomain },
        { "john@exa_mple.com", EmailRejectReason.InvalidDomain },
        { "john@example.com-", EmailRejectReason.InvalidDomain },
        { "john@[192.168.0.1]", EmailRejectReason.InvalidDomain },
        { "john@[IPv6:2001:db8::1]", EmailRejectReason.InvalidDomain },
        { "john@192.168.0.1", EmailRejectReason.InvalidDomain },
        { "john@example.c", EmailRejectReason.InvalidDomain },
        { "john@example.c0m", EmailRejectReason.InvalidDomain },
        { "john@example.123", EmailRejectReason.InvalidDomain },
        { "john@yy--example.com", EmailRejectReason.InvalidDomain },
        { "john@xn--0.com", EmailRejectReason.InvalidDomain },
        { "john@xn--abc.com", EmailRejectReason.InvalidDomain },
        { "john@xn--abc-.com", EmailRejectReason.InvalidDomain },
        { "john@xn--ls8h.la", EmailRejectReason.InvalidDomain },
        { "john@" + new string('a', 64) + ".com", EmailRejectReason.InvalidDomain },
        { "john@example.com\u00A9", EmailRejectReason.InvalidDomain },
        { "john@\u2488example.com", EmailRejectReason.InvalidDomain },
        { "john@\u037E.com", EmailRejectReason.InvalidDomain },
        { "john@i\u2764.ws", EmailRejectReason.InvalidDomain },
        { "john@\uFF0Eexample.com", EmailRejectReason.InvalidDomain },
        { "john@yy\uFF0D\uFF0D0.com", EmailRejectReason.InvalidDomain },
        { "john@b\u00FCcher", EmailRejectReason.InvalidDomain },

        { "john@example.test", EmailRejectReason.SpecialUseDomain },
        { "john@EXAMPLE.TEST", EmailRejectReason.SpecialUseDomain },
        { "john@host.localhost", EmailRejectReason.SpecialUseDomain },
        { "john@printer.local", EmailRejectReason.SpecialUseDomain },
        { "john@x.invalid", EmailRejectReason.SpecialUseDomain },
        { "john@hidden.onion", EmailRejectReason.SpecialUseDomain },
        { "john@1.0.168.192.in-addr.arpa", EmailRejectReason.SpecialUseDomain },
        { "john@name.alt", EmailRejectReason.SpecialUseDomain },
        { "john@corp.internal", EmailRejectReason.SpecialUseDomain },
        { "john@b\u00FCcher.test", EmailRejectReason.SpecialUseDomain },

        { new string('a', 64) + "@" + new string('b', 12) + ".com", EmailRejectReason.TooLong },
        { "x" + new string('.', 300), EmailRejectReason.TooLong },
    };

    [Theory]
    [MemberData(nameof(ReasonCases))]
    public void Each_reason_is_given_for_its_rule(string? input, EmailRejectReason reason)
    {
        EmailValidationResult result = EmailAddressValidator.Validate(input);
        Assert.Equal(reason, result.Reason);
        Assert.False(result.IsValid);
        Assert.Null(result.Normalized);
    }

    [Fact]
    public void Every_reason_has_a_case()
    {
        var covered = new HashSet<EmailRejectReason>(ReasonCases.Select(row => (EmailRejectReason)row[1]!));
        covered.Add(EmailRejectReason.None);
        Assert.Equal(Enum.GetValues(typeof(EmailRejectReason)).Cast<EmailRejectReason>().OrderBy(r => r), covered.OrderBy(r => r));
    }

    [Theory]
    [InlineData("john.smith@example.com", "john.smith@example.com")]
    [InlineData("  John.Smith@Example.COM  ", "John.Smith@example.com")]
    [InlineData("\u00A0john@example.com\u2006", "john@example.com")]
    [InlineData("\u3000\u2028john@example.com\u202F\u205F", "john@example.com")]
    [InlineData("Mixed.Case+Tag@Sub.Example.Co.UK", "Mixed.Case+Tag@sub.example.co.uk")]
    [InlineData("jeff@\u81FA\u7DB2\u4E2D\u5FC3.tw", "jeff@xn--fiqq24b10vi0d.tw")]
    [InlineData("hans@M\u00DCLLER.com", "hans@xn--mller-kva.com")]
    [InlineData("hans@b\u00FCcher.de", "hans@xn--bcher-kva.de")]
    [InlineData(" john.doe@yidong.\u79FB\u52A8 ", "john.doe@yidong.xn--6frz82g")]
    [InlineData("A@XN--MLLER-KVA.COM", "A@xn--mller-kva.com")]
    [InlineData("ivan@\u043F\u0440\u0438\u043C\u0435\u0440.\u0440\u0444", "ivan@xn--e1afmkfd.xn--p1ai")]
    [InlineData("ivan@example.XN--P1AI", "ivan@example.xn--p1ai")]
    [InlineData("test@xn--hxajbheg2az3al.xn--jxalpdlp", "test@xn--hxajbheg2az3al.xn--jxalpdlp")]
    [InlineData("john@example\u3002com", "john@example.com")]
    [InlineData("john@\uFF45\uFF58\uFF41\uFF4D\uFF50\uFF4C\uFF45.com", "john@example.com")]
    [InlineData("john@example.example", "john@example.example")]
    [InlineData("john@test.com", "john@test.com")]
    [InlineData("john@iana.co-uk", "john@iana.co-uk")]
    [InlineData("!#$%&'*+-/=?^_`{|}~@example.org", "!#$%&'*+-/=?^_`{|}~@example.org")]
    public void Valid_addresses_are_normalized(string input, string normalized)
    {
        EmailValidationResult result = EmailAddressValidator.Validate(input);
        Assert.True(result.IsValid, $"{EmailCaseCorpus.Show(input)} -> {result.Reason}");
        Assert.Equal(EmailRejectReason.None, result.Reason);
        Assert.Equal(normalized, result.Normalized);
    }

    [Fact]
    public void An_already_normalized_address_is_returned_as_the_same_string()
    {
        string input = "john.smith@example.com";
        Assert.Same(input, EmailAddressValidator.Validate(input).Normalized);
    }

    [Fact]
    public void Already_normalized_addresses_allocate_nothing()
    {
        string[] addresses =
        {
            "john.smith@example.com", "a+tag@sub.example.co.uk", "x@y.io",
            new string('a', 64) + "@" + new string('b', 11) + ".com",
        };
        foreach (string address in addresses)
        {
            Assert.True(EmailAddressValidator.Validate(address).IsValid);
        }

        bool allValid = true;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            foreach (string address in addresses)
            {
                allValid &= EmailAddressValidator.Validate(address).IsValid;
            }
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allValid);
        Assert.Equal(0L, allocated);
    }

    [Fact]
    public void The_local_part_may_have_64_characters_and_no_more()
    {
        Assert.True(EmailAddressValidator.Validate(new string('a', 64) + "@example.com").IsValid);
        Assert.Equal(EmailRejectReason.LocalPartTooLong, EmailAddressValidator.Validate(new string('a', 65) + "@example.com").Reason);
    }

    [Fact]
    public void The_address_may_have_80_characters_and_no_more()
    {
        string eighty = new string('a', 60) + "@" + new string('b', 15) + ".com";
        string eightyOne = new string('a', 60) + "@" + new string('b', 16) + ".com";
        Assert.Equal(80, eighty.Length);
        Assert.Equal(EmailAddressValidator.MaxLength, eighty.Length);
        Assert.True(EmailAddressValidator.Validate(eighty).IsValid);
        Assert.Equal(EmailRejectReason.TooLong, EmailAddressValidator.Validate(eightyOne).Reason);
    }

    [Fact]
    public void The_80_characters_are_counted_after_trimming()
    {
        string eighty = new string('a', 60) + "@" + new string('b', 15) + ".com";
        Assert.Equal(eighty, EmailAddressValidator.Validate("   " + eighty + "\u00A0\u00A0").Normalized);
    }

    [Fact]
    public void The_80_characters_are_counted_on_the_punycode_form()
    {
        // Sixteen different ideographs: 20 characters as typed, 49 in punycode.
        string domain = string.Concat(Enumerable.Range(0, 16).Select(i => (char)(0x4E00 + (i * 97)))) + ".com";
        string typed = new string('a', 40) + "@" + domain;
        Assert.Equal(61, typed.Length);
        Assert.Equal(EmailRejectReason.TooLong, EmailAddressValidator.Validate(typed).Reason);

        EmailValidationResult result = EmailAddressValidator.Validate("a@" + domain);
        Assert.True(result.IsValid);
        Assert.Equal(2 + 49, result.Normalized!.Length);
        Assert.StartsWith("a@xn--", result.Normalized);
    }

    [Fact]
    public void A_domain_label_may_have_63_characters_and_no_more()
    {
        Assert.True(EmailAddressValidator.Validate("a@" + new string('b', 63) + ".com").IsValid);
        Assert.Equal(EmailRejectReason.InvalidDomain, EmailAddressValidator.Validate("a@" + new string('b', 64) + ".com").Reason);
    }

    [Fact]
    public void Input_longer_than_254_characters_after_trimming_is_TooLong_before_anything_else()
    {
        Assert.Equal(EmailRejectReason.TooLong, EmailAddressValidator.Validate(new string('x', 255)).Reason);
        Assert.Equal(EmailRejectReason.MissingAt, EmailAddressValidator.Validate(new string('x', 254)).Reason);
        Assert.Equal(EmailRejectReason.MissingAt, EmailAddressValidator.Validate(new string(' ', 300) + "x" + new string(' ', 300)).Reason);
    }

    [Fact]
    public void The_default_result_is_not_valid()
    {
        EmailValidationResult result = default;
        Assert.False(result.IsValid);
        Assert.Null(result.Normalized);
    }

    [Fact]
    public void Random_strings_never_throw_and_give_a_consistent_result()
    {
        Gen.String.Sample(input =>
        {
            EmailValidationResult result = EmailAddressValidator.Validate(input);
            AssertConsistent(input, result);
        }, iter: 20_000);
    }

    [Fact]
    public void A_valid_address_normalizes_to_a_fixed_point()
    {
        int valid = 0;
        AddressLike.Sample(input =>
        {
            EmailValidationResult result = EmailAddressValidator.Validate(input);
            AssertConsistent(input, result);
            if (!result.IsValid)
            {
                return;
            }

            Interlocked.Increment(ref valid);
            string normalized = result.Normalized!;
            Assert.True(normalized.Length <= EmailAddressValidator.MaxLength, normalized);
            Assert.All(normalized, c => Assert.True(c > ' ' && c < '\u007F', $"{EmailCaseCorpus.Show(normalized)} is not printable ASCII"));
            EmailValidationResult again = EmailAddressValidator.Validate(normalized);
            Assert.True(again.IsValid, $"{EmailCaseCorpus.Show(input)} -> {EmailCaseCorpus.Show(normalized)} -> {again.Reason}");
            Assert.Same(normalized, again.Normalized);
            Assert.Equal(normalized, EmailAddressValidator.Validate(" " + normalized + "\u00A0").Normalized);
        }, iter: 20_000, print: EmailCaseCorpus.Show);

        // The generator must reach the interesting part; most of its output is meant to be valid.
        Assert.True(valid > 2_000, $"only {valid} generated addresses were valid");
    }

    private static void AssertConsistent(string? input, EmailValidationResult result)
    {
        Assert.True(result.IsValid == (result.Normalized is not null), EmailCaseCorpus.Show(input));
        Assert.True(result.IsValid == (result.Reason == EmailRejectReason.None), EmailCaseCorpus.Show(input));
    }

    // Address-shaped strings: mostly valid pieces with some of every kind of trouble mixed in.
    private static readonly Gen<string> LocalPart = Gen.Frequency(
        (8, Gen.Char["abcxyzABCXYZ0189.+_-'!#$%&*/=?^`{|}~"].Array[1, 20].Select(a => new string(a))),
        (1, Gen.Char["ab.\"()<>[]\\,;: @\u00E9\u00A0\u200B\t"].Array[0, 8].Select(a => new string(a))));

    private static readonly Gen<string> Label = Gen.Frequency(
        (10, Gen.Char["abcxyzABCXYZ0189-"].Array[1, 20].Select(a => new string(a))),
        (2, Gen.Char["abc\u00FC\u00E9\u00DF\u81FA\u7DB2\u03C0\u0436\uFF47\uFF4D-"].Array[1, 8].Select(a => new string(a))),
        (1, Gen.OneOfConst("xn--mller-kva", "XN--FIQQ24B10VI0D", "xn--0", "xn--abc", "yy--z", "-a", "a-", "", new string('q', 63), new string('q', 64))),
        (1, Gen.Char["a_\u00A9\u2488\uFF0E\u3002\u00AD\uFF0D"].Array[1, 4].Select(a => new string(a))));

    private static readonly Gen<string> TopLevelDomain = Gen.OneOfConst(
        "com", "COM", "org", "de", "co-uk", "museum", "example", "xn--6frz82g", "XN--P1AI", "\u79FB\u52A8", "\uFF43\uFF4F\uFF4D",
        "c", "c0m", "123", "test", "local", "", "-com", "com-");

    private static readonly Gen<string> Padding = Gen.Frequency(
        (10, Gen.Const("")),
        (3, Gen.OneOfConst(" ", "  ", "\u00A0", "\u2006", "\u3000", "\u2028")),
        (1, Gen.OneOfConst("\t", "\r\n", "\n", "\u0085", "\u200B")));

    private static readonly Gen<string> AddressLike =
        from before in Padding
        from local in LocalPart
        from at in Gen.Frequency((20, Gen.Const("@")), (1, Gen.OneOfConst("", "@@", "\uFF20")))
        from labels in Label.Array[1, 3]
        from tld in TopLevelDomain
        from after in Padding
        select before + local + at + string.Join(".", labels) + "." + tld + after;

    /// <summary>A row whose verdict the project's policy sets differently from the corpus, and why.</summary>
    public sealed record PolicyException(string Address, string Tag, string? Normalized, EmailRejectReason Reason, string Why);
}
