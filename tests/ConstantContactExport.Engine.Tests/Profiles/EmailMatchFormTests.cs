using ConstantContactExport.Engine.Profiles;
using ConstantContactExport.Engine.Sync;

namespace ConstantContactExport.Engine.Tests.Profiles;

/// <summary>The address a rejected profile keeps its contact by under -RemoveMissing (<see cref="EmailMatchForm"/>).</summary>
public sealed class EmailMatchFormTests
{
    [Theory]
    [InlineData("ada@example.com", "ada@example.com")]
    [InlineData("  Ada@EXAMPLE.com ", "Ada@example.com")]                  // valid: the form it is sent in
    [InlineData("jeff@\u81FA\u7DB2\u4E2D\u5FC3.tw", "jeff@xn--fiqq24b10vi0d.tw")] // valid IDN: punycode, as sent
    [InlineData("<ada@example.com>", "ada@example.com")]
    [InlineData("Ada Lovelace <ada@example.com>", "ada@example.com")]
    [InlineData("\"Ada\" <ada@example.com>", "ada@example.com")]
    [InlineData("mailto:ada@example.com", "ada@example.com")]
    [InlineData("MAILTO:ada@example.com?subject=hi", "ada@example.com")]
    [InlineData("<mailto:ada@example.com>", "ada@example.com")]
    [InlineData("\"ada@example.com\"", "ada@example.com")]
    [InlineData("'ada@example.com'", "ada@example.com")]
    [InlineData("\u201Cada@example.com\u201D", "ada@example.com")]
    [InlineData("ad\u200Ba@example.com", "ada@example.com")]              // zero-width space
    [InlineData("\uFEFFada@example.com", "ada@example.com")]              // byte order mark
    [InlineData("ada@exam\u00ADple.com", "ada@example.com")]              // soft hyphen
    [InlineData("\u200Eada@example.com\u200F", "ada@example.com")]        // bidi marks
    [InlineData("\tada@example.com\r\n", "ada@example.com")]              // control white space around it
    [InlineData("\u00A0<jeff@\u81FA\u7DB2\u4E2D\u5FC3.tw>", "jeff@xn--fiqq24b10vi0d.tw")]
    public void A_reject_is_matched_by_the_address_it_cleans_up_to_in_the_form_it_would_be_sent(string given, string matched)
    {
        Assert.Equal(matched, EmailMatchForm.Of(given));
        Assert.Equal(SyncKey.For(EmailAddressValidator.Validate(matched).Normalized!), SyncKey.For(EmailMatchForm.Of(given)!));
    }

    [Theory]
    [InlineData("not an email")]
    [InlineData("a@b.com; c@d.com")]                  // two addresses: neither is picked
    [InlineData("ada lovelace@example.com")]          // white space inside is not dropped
    [InlineData("ad\u200Ca@example.com")]              // ZWNJ tells real IDN labels apart: never dropped
    [InlineData("ada@exa\u200Dmple.com")]              // nor ZWJ
    [InlineData("<ada@example.com")]                  // a bracket without its pair
    [InlineData("<<ada@example.com>>")]               // one pair only
    [InlineData("ada@example.test")]                  // cleaning does not make a refused domain valid
    [InlineData("\"ada\"@example.com")]               // a quoted local part is not a pair around the address
    public void Text_that_does_not_clean_up_to_a_valid_address_is_matched_as_given(string given)
    {
        Assert.Equal(given, EmailMatchForm.Of(given));
    }

    [Fact]
    public void Null_is_null()
    {
        Assert.Null(EmailMatchForm.Of(null));
    }
}
