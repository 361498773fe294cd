#!/usr/bin/perl
# Print MARC::Lint's warnings for every record of an ISO 2709 file, for test_lint_agreement.py:
#   RECORD<TAB>n        before the warnings of record n (1-based)
#   n<TAB>warning       one line per warning
use strict;
use warnings;
use MARC::File::USMARC;
use MARC::Lint;

binmode STDOUT, ':utf8';
my $file = MARC::File::USMARC->in($ARGV[0]) or die "cannot open $ARGV[0]\n";
my $lint = MARC::Lint->new;
my $n = 0;
while (1) {
    my $record = eval { $file->next };
    last unless $record || $@;
    $n++;
    print "RECORD\t$n\n";
    if ($@) { print "$n\tDECODE ERROR\n"; next; }
    $lint->check_record($record);
    for my $warning ($lint->warnings) {
        $warning =~ s/\n/ /g;
        print "$n\t$warning\n";
    }
}
$file->close;
