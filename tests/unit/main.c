/* The unit test runner: every suite registered by TEST_SUITE(). */
#include "support/testreg.h"

int main(int argc, char **argv)
{
    return testreg_run(argc, argv);
}
