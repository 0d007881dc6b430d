using System;
using ConstantContactExport.Engine.Http;
using ConstantContactExport.Engine.Sending;

namespace ConstantContactExport.Engine.Tests.Sending;

public sealed class ContactPagingTests
{
    private static ContactPage Page(string? next) => new(Array.Empty<ContactIdentity>(), next);

    [Fact]
    public void A_read_follows_new_links_to_the_end()
    {
        var paging = new ContactPaging();
        Assert.Equal("/v3/contacts?cursor=a", paging.Next(Page("/v3/contacts?cursor=a")));
        Assert.Equal("/v3/contacts?cursor=b", paging.Next(Page("/v3/contacts?cursor=b")));
        Assert.Null(paging.Next(Page(null)));
    }

    [Fact]
    public void A_link_back_to_a_page_already_read_stops_the_read_as_an_unreadable_answer()
    {
        var paging = new ContactPaging();
        paging.Next(Page("/v3/contacts?cursor=a"));
        paging.Next(Page("/v3/contacts?cursor=b"));

        ApiAnswerException ex = Assert.Throws<ApiAnswerException>(() => paging.Next(Page("/v3/contacts?cursor=a")));
        Assert.Equal(ApiAnswerException.UnreadableErrorId, ex.ErrorId);
        Assert.Contains("GET /contacts", ex.Message, StringComparison.Ordinal);
        Assert.Contains("repeats", ex.Message, StringComparison.Ordinal);

        // Each read starts afresh: the same links in a new read are new.
        Assert.Equal("/v3/contacts?cursor=a", new ContactPaging().Next(Page("/v3/contacts?cursor=a")));
    }
}
