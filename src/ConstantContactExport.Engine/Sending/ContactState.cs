using System;
using System.Collections.Generic;

namespace ConstantContactExport.Engine.Sending;

/// <summary>What GET /contacts says of one contact: the lists it is on and when it last changed (the server's clock).</summary>
public sealed record ContactState(IReadOnlyCollection<string> ListIds, DateTimeOffset? UpdatedAt);

/// <summary>One contact of a GET /contacts page: its id and address (held only to compute its key, never kept).</summary>
public readonly record struct ContactIdentity(Guid ContactId, string Email);

/// <summary>One page of GET /contacts and the href of the next (null on the last).</summary>
public sealed record ContactPage(IReadOnlyList<ContactIdentity> Contacts, string? Next);

/// <summary>
/// The pages of one read of a list, in order: each next link must be new. A server (or something between) whose
/// next link points back at a page already read would keep a read going for ever, spending the account's requests.
/// </summary>
public sealed class ContactPaging
{
    private readonly HashSet<string> seen = new(StringComparer.Ordinal);

    /// <summary>The page's next link, or null at the end.</summary>
    /// <exception cref="Http.ApiAnswerException">ApiAnswerUnreadable: the link repeats one this read already followed.</exception>
    public string? Next(ContactPage page)
    {
        if (page.Next is { } next && !seen.Add(next))
        {
            throw Http.ApiAnswerException.PagingLoop("GET /contacts", seen.Count);
        }

        return page.Next;
    }
}
