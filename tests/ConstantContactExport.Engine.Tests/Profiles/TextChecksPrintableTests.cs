using ConstantContactExport.Engine.Profiles;

namespace ConstantContactExport.Engine.Tests.Profiles;

/// <summary>What a message may carry of a name or value from outside: nothing that acts on the console, whole emoji.</summary>
public sealed class TextChecksPrintableTests
{
    [Theory]
    [InlineData("News", "News")]
    [InlineData("Sale \ud83d\ude00 \u00e9t\u00e9", "Sale \ud83d\ude00 \u00e9t\u00e9")]
    [InlineData("\u001b]0;pwned\u0007\u001b[2J", "\\x1B]0;pwned\\x07\\x1B[2J")]
    [InlineData("a\r\nb\u0085c\u009b", "a\\x0D\\x0Ab\\x85c\\x9B")]
    [InlineData("one\u2028two\u2029", "one\\x2028two\\x2029")]
    [InlineData("abc\u202Efdp.exe", "abc\\x202Efdp.exe")]
    [InlineData("x\u2066y\u2069", "x\\x2066y\\x2069")]
    [InlineData("\uFFFE\uFFFF", "\\xFFFE\\xFFFF")]
    [InlineData("\u200Bx\uFEFF\u200F\u2060", "\\x200Bx\\xFEFF\\x200F\\x2060")]
    public void Shows_what_acts_on_a_console_escaped_and_the_rest_as_it_is(string text, string shown) =>
        Assert.Equal(shown, TextChecks.Printable(text));

    [Fact]
    public void Shows_a_half_of_a_pair_escaped()
    {
        // Built in code: an attribute's strings are stored as UTF-8, which has no lone surrogates.
        Assert.Equal("half \\xD83D and \\xDE00", TextChecks.Printable("half \ud83d and \ude00"));
        Assert.Equal("end\\xD83D", TextChecks.Printable("end\ud83d"));
        Assert.Equal("\\xDE00\\xD83D", TextChecks.Printable("\ude00\ud83d"));
    }

    [Fact]
    public void Cuts_long_text_without_splitting_a_pair()
    {
        string shown = TextChecks.Printable(new string('x', 9) + "\ud83d\ude00" + new string('y', 20), 10);
        Assert.Equal(new string('x', 9) + "\ud83d\ude00…", shown);
    }
}
