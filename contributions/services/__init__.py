"""Rules that write the call's rows, one module each: submissions (the authors' side), reviews
(the committee's), decisions (the organizers')."""
