using ConstantContact.Sandbox.Contacts;

namespace ConstantContact.Sandbox.Tests;

/// <summary>The address rule behind correctable_count (no HTTP needed: it is a pure function).</summary>
public sealed class EmailAddressRulesTests
{
    [Theory]
    [InlineData("ada@example.com")]
    [InlineData("first.last+tag@sub.example.co.uk")]
    [InlineData("o'brien@example.ie")]
    [InlineData("x@xn--mller-kva.de")]
    [InlineData("test@iana.co-uk")]
    [InlineData("example@s.example")]
    public void Accepts(string address) => Assert.True(EmailAddressRules.IsValid(address));

    [Theory]
    [InlineData("")]
    [InlineData("plain")]
    [InlineData("a@b")]
    [InlineData("a@@example.com")]
    [InlineData(" ada@example.com")]
    [InlineData("ada@example.com ")]
    [InlineData("a b@example.com")]
    [InlineData("a,b@example.com")]
    [InlineData("\"quoted\"@example.com")]
    [InlineData("a..b@example.com")]
    [InlineData(".a@example.com")]
    [InlineData("a@[127.0.0.1]")]
    [InlineData("a@127.0.0.1")]
    [InlineData("a@example.c")]
    [InlineData("a@-example.com")]
    [InlineData("a@example.test")]
    [InlineData("a@bad.tld-2")]
    [InlineData("hans@müller.com")]
    [InlineData("jöran@example.com")]
    public void Refuses(string address) => Assert.False(EmailAddressRules.IsValid(address));
}
